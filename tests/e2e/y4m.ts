import QRCode from 'qrcode';

/**
 * Renders `text` as a QR code into a Y4M video (raw I420 frames) that Chromium's fake camera plays in a loop:
 * `--use-file-for-fake-video-capture=<file.y4m>`. Black modules on a white quiet zone, centred.
 */
export function qrToY4m(text: string, opts: { width?: number; height?: number; frames?: number } = {}): Buffer {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const frames = opts.frames ?? 5;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const quiet = 4;
  // Well inside the frame: Chromium may crop the fake camera to the aspect ratio the page asks for.
  const scale = Math.max(1, Math.floor((Math.min(width, height) * 0.6) / (size + 2 * quiet)));
  const side = (size + 2 * quiet) * scale;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);

  // Luma plane: mid-grey background around a white square holding the code, like a phone screen held up.
  const y = Buffer.alloc(width * height, 128);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const mx = Math.floor(px / scale) - quiet;
      const my = Math.floor(py / scale) - quiet;
      const dark = mx >= 0 && my >= 0 && mx < size && my < size && qr.modules.get(my, mx) === 1;
      y[(top + py) * width + left + px] = dark ? 16 : 235;
    }
  }
  // Chroma planes at 4:2:0, neutral grey.
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), y, chroma, chroma]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}

/** A blank grey video, so Chromium has a valid file to open before the real code exists. */
export function blankY4m(width = 640, height = 480): Buffer {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), Buffer.alloc(width * height, 128), Buffer.alloc(width * height / 2, 128)]);
  return Buffer.concat([header, frame]);
}
