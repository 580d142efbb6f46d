import { describe, expect, it } from 'vitest';
import {
  attachmentFileName,
  exportFolderFileName,
  exportMessageFileName,
  importFolderName,
  safeFileName,
} from '../../../../electron/shell/file-names';
import { FILE_NAME_MAX } from '../../../../electron/shell/limits';

describe('file names from mail', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../.bashrc', 'bashrc'],
    ['C:\\Windows\\evil.dll', 'evil.dll'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['line\r\nbreak.txt', 'line__break.txt'],
    ['notes.txt. . ', 'notes.txt'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['   ', 'attachment'],
    ['...', 'attachment'],
  ])('makes %j safe: %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('names a nameless attachment after its type, and keeps a given name', () => {
    // Found with a forwarded message and a calendar invitation that name no file: both were saved as a
    // bare 'attachment' that nothing would open.
    expect(attachmentFileName('', 'message/rfc822')).toBe('attachment.eml');
    expect(attachmentFileName('', 'TEXT/CALENDAR; method=REQUEST')).toBe('attachment.ics');
    expect(attachmentFileName('...', 'application/pdf')).toBe('attachment.pdf');
    expect(attachmentFileName('', 'application/x-unknown')).toBe('attachment');
    expect(attachmentFileName('../invite', 'text/calendar')).toBe('invite');
    expect(attachmentFileName('Meeting.ics', 'text/calendar')).toBe('Meeting.ics');
  });

  it('cuts a long name but keeps its extension', () => {
    const name = safeFileName(`${'x'.repeat(500)}.docx`);
    expect(name.length).toBe(FILE_NAME_MAX);
    expect(name.endsWith('.docx')).toBe(true);
  });

  it('names the import folder after the file', () => {
    expect(importFolderName('/home/me/old-mail/Inbox.mbox')).toBe('Inbox');
    expect(importFolderName('C:\\Users\\me\\Sent')).toBe('Sent');
    expect(importFolderName('/home/me/Maildir/')).toBe('Maildir');
    expect(importFolderName('/tmp/one.EML')).toBe('Imported');
    expect(importFolderName('/')).toBe('Imported');
  });

  it('suggests export file names', () => {
    expect(exportFolderFileName('INBOX/Projects')).toBe('Projects.mbox');
    expect(exportFolderFileName('INBOX')).toBe('INBOX.mbox');
    expect(exportMessageFileName('Re: Lunch?')).toBe('Re_ Lunch_.eml');
    expect(exportMessageFileName('')).toBe('message.eml');
  });
});
