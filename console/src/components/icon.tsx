// Small inline SVG icons (no icon font, no emoji font needed on the wall screen's machine); decorative only.

const PATHS = {
  bell: 'M12 2a6 6 0 0 0-6 6v3.6L4.3 15A1 1 0 0 0 5.2 16.5h13.6a1 1 0 0 0 .9-1.5L18 11.6V8a6 6 0 0 0-6-6Zm-2.8 16a2.9 2.9 0 0 0 5.6 0Z',
  bellOff: 'M3.3 2.3 2 3.6l3.3 3.3A6 6 0 0 0 6 8v3.6L4.3 15a1 1 0 0 0 .9 1.5h10.9l4.3 4.3 1.3-1.3ZM18 11.6V8a6 6 0 0 0-9.5-4.9l9.9 9.9ZM9.2 18a2.9 2.9 0 0 0 5.6 0Z',
  shield: 'M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5Zm-1 14-4-4 1.4-1.4 2.6 2.6 5.6-5.6L18 9Z',
  lock: 'M17 9V7A5 5 0 0 0 7 7v2H5v13h14V9Zm-8-2a3 3 0 0 1 6 0v2H9Zm3 11a2 2 0 1 1 0-4 2 2 0 0 1 0 4Z',
  alert: 'M12 2 1 21h22Zm-1 7h2v6h-2Zm0 8h2v2h-2Z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = '1.1em' }: { name: IconName; size?: string }) {
  return (
    <svg class="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" />
    </svg>
  );
}
