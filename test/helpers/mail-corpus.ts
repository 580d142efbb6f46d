/** Small deterministic mailboxes for store tests: distinct messages, some needing mbox quoting. */
export function corpusMessage(i: number): Buffer {
  const day = String((i % 28) + 1).padStart(2, '0');
  const lines = [
    `From: Sender ${i % 37} <sender${i % 37}@example.org>`,
    `To: reader@example.net`,
    `Subject: Message number ${i} about ${['apples', 'boats', 'clouds', 'dunes'][i % 4]}`,
    `Date: ${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][i % 7]}, ${day} Feb 2024 10:${String(i % 60).padStart(2, '0')}:00 +0000`,
    `Message-ID: <m${i}@example.org>`,
    ...(i > 0 && i % 5 === 0 ? [`In-Reply-To: <m${i - 1}@example.org>`, `References: <m${i - 1}@example.org>`] : []),
    '',
    `Body of message ${i}, token${i}.`,
    ...(i % 3 === 0 ? ['From the desk of the sender: this line needs quoting in an mbox.'] : []),
    ...(i % 7 === 0 ? ['>From an already quoted line.'] : []),
    'Regards.',
    '',
  ];
  return Buffer.from(lines.join('\n'));
}

/** An mboxrd file of `count` corpus messages, the way our export writes it. */
export function corpusMbox(count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(Buffer.from(`From sender${i % 37}@example.org Thu Feb  1 10:00:00 2024\n`));
    parts.push(Buffer.from(corpusMessage(i).toString('latin1').replace(/^(>*From )/gm, '>$1'), 'latin1'));
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}
