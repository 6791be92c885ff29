import { apiErrorOf, ApiError, withLanguage } from '../../api/client';

/** What the server answers for a stored photo. */
export interface UploadedPhoto {
  hash: string;
  width: number;
  height: number;
  bytes: number;
}

/** The server keeps at most this long side; shrinking to it here saves the upload (a few hundred KB instead of several MB). */
export const LONG_SIDE = 1600;
export const MAX_PHOTOS = 6;

/** The size a photo of `width`×`height` is drawn at: long side at most LONG_SIDE, never enlarged. */
export function fitInside(width: number, height: number, longSide = LONG_SIDE): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Shrinks a camera photo in the browser: decoded with its EXIF orientation applied, drawn at most
 * 1600 px on the long side, encoded as JPEG at 0.8. A file the browser cannot decode is sent as it is:
 * the server decides what is an image.
 */
export async function shrinkPhoto(file: Blob): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  try {
    const size = fitInside(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const g = canvas.getContext('2d');
    if (!g) return file;
    g.drawImage(bitmap, 0, 0, size.width, size.height);
    const blob = await new Promise<Blob | null>((ok) => canvas.toBlob(ok, 'image/jpeg', 0.8));
    return blob ?? file;
  } finally {
    bitmap.close();
  }
}

/**
 * Uploads one photo as the request body (the server's one non-JSON mutation), reporting progress
 * from 0 to 1. XMLHttpRequest, because fetch cannot report upload progress.
 */
export function uploadPhoto(photo: Blob, onProgress: (fraction: number) => void): Promise<UploadedPhoto> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/evidence');
    xhr.withCredentials = true;
    new Headers(withLanguage().headers).forEach((value, name) => xhr.setRequestHeader(name, value));
    xhr.setRequestHeader('Content-Type', photo.type.startsWith('image/') ? photo.type : 'image/jpeg');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', ''));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201) {
        onProgress(1);
        resolve(body as UploadedPhoto);
      } else reject(apiErrorOf(xhr.status, body));
    };
    xhr.send(photo);
  });
}

/** Where a stored photo is shown from (only to those the server lets see it). */
export function photoUrl(hash: string): string {
  return `/api/evidence/${hash}`;
}
