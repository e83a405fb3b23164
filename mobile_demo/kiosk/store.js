// Loaded before /ui/gql.js: the kiosk keeps its tokens under its own key, so a
// kiosk session never mixes with the phone demo's (gql.js reads FSREG_STORE).
window.FSREG_STORE = "fsreg.kiosk";
