/** A few stroke icons drawn inline: no icon font to load, and they take the text colour. */
const PATHS: Record<string, string> = {
  layers: 'M12 3 3 8l9 5 9-5-9-5Zm-9 9 9 5 9-5M3 16l9 5 9-5',
  server: 'M4 4h16v6H4zM4 14h16v6H4zM8 7h.01M8 17h.01',
  file: 'M14 3H6v18h12V7l-4-4Zm0 0v4h4M9 13h6M9 17h6',
  history: 'M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 3',
  users:
    'M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM21 19v-1a4 4 0 0 0-3-3.9M15 3.1a3.5 3.5 0 0 1 0 6.8',
  key: 'M15 7a4 4 0 1 1-3.9 4.9L4 19v2h3v-2h2v-2h2l1.1-1.1A4 4 0 0 1 15 7Zm1 2h.01',
  lock: 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4',
  alert: 'M12 3 2 21h20L12 3Zm0 7v5m0 3h.01',
  plus: 'M12 5v14M5 12h14',
  logout: 'M15 4h4v16h-4M10 17l5-5-5-5M15 12H3',
  chevron: 'm9 6 6 6-6 6',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  check: 'm5 12 5 5 9-10',
  edit: 'M4 20h4L19 9l-4-4L4 16v4Z',
  play: 'M7 4v16l13-8L7 4Z',
  activity: 'M3 12h4l3-8 4 16 3-8h4',
  approval: 'M12 3 4 6v6c0 4.4 3.4 8.3 8 9 4.6-.7 8-4.6 8-9V6l-8-3Zm-3.5 9 2.5 2.5 4.5-5',
  terminal: 'M4 4h16v16H4zM8 9l3 3-3 3M13 15h3',
  folder: 'M3 6h6l2 2h10v11H3V6Z',
  'folder-open': 'M3 6h6l2 2h8v3M3 6v13h15l3-8H6l-3 8',
  download: 'M12 4v11m-5-5 5 5 5-5M5 20h14',
  upload: 'M12 16V5m-5 5 5-5 5 5M5 20h14',
  stop: 'M6 6h12v12H6z',
  'arrow-down': 'M12 5v14m-6-6 6 6 6-6',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Zm0-13v4l3 2',
  refresh: 'M20 11a8 8 0 0 0-14.9-3M4 4v4h4M4 13a8 8 0 0 0 14.9 3M20 20v-4h-4',
  x: 'M6 6l12 12M18 6 6 18',
  flag: 'M5 21V4m0 0h12l-2.5 4.5L17 13H5',
  bug: 'M12 20a5 5 0 0 0 5-5v-4a5 5 0 0 0-10 0v4a5 5 0 0 0 5 5Zm0-14V4M8 6 6 4m10 2 2-2M7 13H3m18 0h-4M7 17l-3 2m13-2 3 2',
};

export function Icon({ name, size = 16 }: { name: keyof typeof PATHS | string; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={PATHS[name] ?? ''} />
    </svg>
  );
}
