// The front camera and the album fallback for face login: a JPEG data URL.

const MAX_SIDE = 1280; // keeps album photos well under the upload limit

/** Starts the front camera in `video`; the stream, or null without a camera. */
export async function openCamera(video) {
  if (!navigator.mediaDevices?.getUserMedia) return null;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: false,
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } } });
    video.srcObject = stream;
    await video.play().catch(() => {});
    if (!video.videoWidth) await new Promise((r) => video.addEventListener("loadeddata", r, { once: true }));
    return stream;
  } catch {
    return null;
  }
}

function toJpeg(source, width, height) {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.getContext("2d").drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/jpeg", 0.92);
}

/** The current video frame as a JPEG data URL (unmirrored). */
export const captureFrame = (video) => toJpeg(video, video.videoWidth, video.videoHeight);

/** A picked photo as a JPEG data URL, or null when it cannot be decoded. */
export async function photoFromFile(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const url = toJpeg(bitmap, bitmap.width, bitmap.height);
    bitmap.close();
    return url;
  } catch {
    return null;
  }
}
