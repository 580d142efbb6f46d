/**
 * The app's icons: 24×24 stroked outlines in the style of Lucide (ISC), drawn as single paths so they
 * render as plain React elements (no markup strings anywhere in the renderer). Decorative by default.
 */
const paths = {
  'inbox': 'M22 12 L16 12 L14 15 L10 15 L8 12 L2 12 M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z',
  'send': 'M22 2 l-7 20-4-9-9-4Z M22 2 11 13',
  'drafts': 'M14.5 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V7.5L14.5 2z M14 2 L14 8 L20 8 M16 13 L8 13 M16 17 L8 17',
  'archive': 'M3 3 h18 a1 1 0 0 1 1 1 v3 a1 1 0 0 1 -1 1 h-18 a1 1 0 0 1 -1 -1 v-3 a1 1 0 0 1 1 -1z M4 8v11a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8 M10 12h4',
  'trash': 'M3 6h18 M19 6v14c0 1-1 2-2 2H7c-1 0-2-1-2-2V6 M8 6V4c0-1 1-2 2-2h4c1 0 2 1 2 2v2',
  'junk': 'M2 12 a10 10 0 1 0 20 0 a10 10 0 1 0 -20 0 M4.9 4.9 l14.2 14.2',
  'folder': 'M4 20h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-7.93a2 2 0 0 1-1.66-.9l-.82-1.2A2 2 0 0 0 7.93 3H4a2 2 0 0 0-2 2v13c0 1.1.9 2 2 2Z',
  'folder-move': 'M4 20h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-7.93a2 2 0 0 1-1.66-.9l-.82-1.2A2 2 0 0 0 7.93 3H4a2 2 0 0 0-2 2v13c0 1.1.9 2 2 2Z M13 10 l3 3-3 3 M8 13h8',
  'flag': 'M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1z M4 22 L4 15',
  'envelope': 'M4 4 h16 a2 2 0 0 1 2 2 v12 a2 2 0 0 1 -2 2 h-16 a2 2 0 0 1 -2 -2 v-12 a2 2 0 0 1 2 -2z M22 7 l-8.97 5.7a1.94 1.94 0 0 1-2.06 0L2 7',
  'envelope-open': 'M21.2 8.4c.5.38.8.97.8 1.6v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V10a2 2 0 0 1 .8-1.6l8-6a2 2 0 0 1 2.4 0l8 6Z M22 10 l-8.97 5.7a1.94 1.94 0 0 1-2.06 0L2 10',
  'search': 'M3 11 a8 8 0 1 0 16 0 a8 8 0 1 0 -16 0 M21 21 l-4.3-4.3',
  'keyboard': 'M4 4 h16 a2 2 0 0 1 2 2 v12 a2 2 0 0 1 -2 2 h-16 a2 2 0 0 1 -2 -2 v-12 a2 2 0 0 1 2 -2z M6 8h.01M10 8h.01M14 8h.01M18 8h.01M8 12h.01M12 12h.01M16 12h.01M7 16h10',
  'settings': 'M4 21 L4 14 M4 10 L4 3 M12 21 L12 12 M12 8 L12 3 M20 21 L20 16 M20 12 L20 3 M1 14 L7 14 M9 8 L15 8 M17 16 L23 16',
  'text': 'M17 6H3M21 12H3M15.1 18H3',
  'code': 'M16 18 L22 12 L16 6 M8 6 L2 12 L8 18',
  'paperclip': 'M21.44 11.05 l-9.19 9.19a6 6 0 0 1-8.49-8.49l8.57-8.57A4 4 0 1 1 18 8.84l-8.59 8.57a2 2 0 0 1-2.83-2.83l8.49-8.48',
  'chevron-right': 'M9 18 l6-6-6-6',
  'chevron-down': 'M6 9 l6 6 6-6',
  'refresh': 'M21 12a9 9 0 0 0-9-9 9.75 9.75 0 0 0-6.74 2.74L3 8 M3 3v5h5 M3 12a9 9 0 0 0 9 9 9.75 9.75 0 0 0 6.74-2.74L21 16 M16 16h5v5',
  'cloud-off': 'M2 2 l20 20 M5.782 5.782A7 7 0 0 0 9 19h8.5a4.5 4.5 0 0 0 1.307-.193 M21.532 16.5A4.5 4.5 0 0 0 17.5 10h-1.79A7.008 7.008 0 0 0 10 5.07',
  'check': 'M20 6 9 17l-5-5',
  'x': 'M18 6 6 18M6 6l12 12',
  'plus': 'M12 5v14M5 12h14',
  'download': 'M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4 M7 10 L12 15 L17 10 M12 15 L12 3',
  'layers': 'M12.83 2.18a2 2 0 0 0-1.66 0L2.6 6.08a1 1 0 0 0 0 1.83l8.58 3.91a2 2 0 0 0 1.66 0l8.58-3.9a1 1 0 0 0 0-1.83Z M22 17.65 l-9.17 4.16a2 2 0 0 1-1.66 0L2 17.65 M22 12.65 l-9.17 4.16a2 2 0 0 1-1.66 0L2 12.65',
  'hard-drive': 'M22 12 L2 12 M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z M6 16 L6.01 16 M10 16 L10.01 16',
  'at-sign': 'M8 12 a4 4 0 1 0 8 0 a4 4 0 1 0 -8 0 M16 8v5a3 3 0 0 0 6 0v-1a10 10 0 1 0-4 8',
  'lock': 'M5 11 h14 a2 2 0 0 1 2 2 v7 a2 2 0 0 1 -2 2 h-14 a2 2 0 0 1 -2 -2 v-7 a2 2 0 0 1 2 -2z M7 11V7a5 5 0 0 1 10 0v4',
  'alert': 'M21.73 18 l-8-14a2 2 0 0 0-3.48 0l-8 14A2 2 0 0 0 4 21h16a2 2 0 0 0 1.73-3Z M12 9v4 M12 17h.01',
  'image': 'M5 3 h14 a2 2 0 0 1 2 2 v14 a2 2 0 0 1 -2 2 h-14 a2 2 0 0 1 -2 -2 v-14 a2 2 0 0 1 2 -2z M7 9 a2 2 0 1 0 4 0 a2 2 0 1 0 -4 0 M21 15 l-3.086-3.086a2 2 0 0 0-2.828 0L6 21',
  'thread': 'M14 9a2 2 0 0 1-2 2H6l-4 4V4c0-1.1.9-2 2-2h8a2 2 0 0 1 2 2v5Z M18 9h2a2 2 0 0 1 2 2v11l-4-4h-6a2 2 0 0 1-2-2v-1',
  'shield': 'M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10 M9 12 l2 2 4-4',
  'menu': 'M4 6h16 M4 12h16 M4 18h16',
  'sort': 'M21 16 l-4 4-4-4 M17 20V4 M3 8 l4-4 4 4 M7 4v16',
  'arrow-left': 'M12 19 l-7-7 7-7 M19 12H5',
  'external': 'M15 3h6v6 M10 14 21 3 M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6',
  'info': 'M2 12 a10 10 0 1 0 20 0 a10 10 0 1 0 -20 0 M12 16v-4 M12 8h.01',
  'user': 'M8 8 a4 4 0 1 0 8 0 a4 4 0 1 0 -8 0 M4 21a8 8 0 0 1 16 0',
  'server': 'M4 2 h16 a2 2 0 0 1 2 2 v4 a2 2 0 0 1 -2 2 h-16 a2 2 0 0 1 -2 -2 v-4 a2 2 0 0 1 2 -2z M4 14 h16 a2 2 0 0 1 2 2 v4 a2 2 0 0 1 -2 2 h-16 a2 2 0 0 1 -2 -2 v-4 a2 2 0 0 1 2 -2z M6 6h.01M6 18h.01',
  'pencil': 'M12 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2v-7 M18.375 2.625a1 1 0 0 1 3 3l-9.013 9.014a2 2 0 0 1-.853.505l-2.873.84a.5.5 0 0 1-.62-.62l.84-2.873a2 2 0 0 1 .506-.852z',
  'reply': 'M9 17 L4 12 L9 7 M20 18v-2a4 4 0 0 0-4-4H4',
  'reply-all': 'M7 17 L2 12 L7 7 M12 17 L7 12 L12 7 M22 18v-2a4 4 0 0 0-4-4H7',
  'forward': 'M15 17 L20 12 L15 7 M4 18v-2a4 4 0 0 1 4-4h12',
  'bold': 'M6 12h9a4 4 0 0 1 0 8H7a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h7a4 4 0 0 1 0 8',
  'italic': 'M19 4 L10 4 M14 20 L5 20 M15 4 L9 20',
  'underline': 'M6 4v6a6 6 0 0 0 12 0V4 M4 20 L20 20',
  'list': 'M3 12h.01 M3 18h.01 M3 6h.01 M8 12h13 M8 18h13 M8 6h13',
  'list-ordered': 'M10 12h11 M10 18h11 M10 6h11 M4 10h2 M4 6h1v4 M6 18H4c0-1 2-2 2-3s-1-1.5-2-1',
  'quote': 'M3 6h2v12H3z M8 8h13 M8 12h13 M8 16h9',
  'link': 'M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71 M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71',
  'clock': 'M2 12 a10 10 0 1 0 20 0 a10 10 0 1 0 -20 0 M12 6v6l4 2',
  'eraser': 'M4 7V4h16v3 M9 20h6 M12 4v16',
  'outbox': 'M22 12 L16 12 L14 15 L10 15 L8 12 L2 12 M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z M12 11V6 M9.5 8.5 12 6l2.5 2.5',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, size = 16, className, label }: { name: IconName; size?: number; className?: string; label?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true, focusable: false })}
    >
      <path d={paths[name]} />
    </svg>
  );
}
