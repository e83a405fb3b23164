// What one screen hands to the next, kept in memory only: ids never go into
// the URL, and nothing here is written to storage.

export const state = {
  next: null,          // route to open after login
  propertyId: null,    // #/property
  certifyIds: null,    // #/certificates/new: properties preselected from a property's page
  certificateId: null, // #/certificate
  appointment: null,   // #/appointments/reschedule: the booking being moved
  pending: null,       // #/rate: the pendingRatings item being rated
  levels: null,        // ratingLevels, with `pending`
  profile: null,       // LoginSuccess.citizen / me: masked name for the home greeting
};
