/** An HTML-only message with a 5 MB picture pasted in as a data: URL, words before and after it. */
export function dataPictureMessage(): Buffer {
  const picture = Buffer.alloc(5 * 1024 * 1024);
  for (let i = 0; i < picture.length; i++) picture[i] = (i * 2246822519) >>> 24;
  const html = `<html><body><p>Before the picture: platypus.</p><img alt="" src="data:image/png;base64,${picture.toString('base64')}"><p>After the picture: cassowary.</p></body></html>`;
  return Buffer.from(
    'From: Pic <pic@example.org>\r\nTo: alice@example.org\r\nSubject: inline picture\r\nMessage-ID: <pic-1@example.org>\r\nDate: Mon, 07 Dec 2026 08:10:00 +0000\r\n' +
      `MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(html).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`,
  );
}
