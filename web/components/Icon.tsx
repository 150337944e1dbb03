// A handful of 16px stroke icons, inline so they cost no requests and follow currentColor.
const PATHS = {
  plus: "M8 3v10M3 8h10",
  send: "M2.5 8h9M8 3.5 12.5 8 8 12.5",
  stop: "M4.5 4.5h7v7h-7z",
  chevronRight: "M6 3.5 10.5 8 6 12.5",
  chevronDown: "M3.5 6 8 10.5 12.5 6",
  chevronLeft: "M10 3.5 5.5 8 10 12.5",
  x: "M4 4l8 8M12 4l-8 8",
  file: "M4 1.5h5l3 3v10H4zM9 1.5v3h3",
  folder: "M1.5 4V13h13V5.5H8L6.5 3.5h-5z",
  download: "M8 2v8M4.5 7 8 10.5 11.5 7M2.5 13.5h11",
  upload: "M8 11V3M4.5 6 8 2.5 11.5 6M2.5 13.5h11",
  copy: "M5.5 5.5h8v8h-8zM3 10.5H2.5v-8h8V3",
  trash: "M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4",
  search: "M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10zM10.5 10.5l3.5 3.5",
  menu: "M2.5 4h11M2.5 8h11M2.5 12h11",
  collapse: "M2 2.5h12v11H2zM6 2.5v11",
  expand: "M2 2.5h12v11H2zM10 2.5v11",
  bolt: "M9 1.5 3.5 9H8l-1 5.5L12.5 7H8z",
  tool: "M10 2.5a3 3 0 0 0-3.5 4L2.5 10.5l3 3 4-4a3 3 0 0 0 4-3.5l-2 2-2-.5-.5-2z",
  arrowDown: "M8 2.5v11M3.5 9 8 13.5 12.5 9",
  external: "M9 2.5h4.5V7M13.5 2.5 7.5 8.5M11.5 9.5v4h-9v-9h4",
  refresh: "M13 3v3.5H9.5M3 13V9.5h3.5M12.5 6.5A5 5 0 0 0 3.6 5.5M3.5 9.5a5 5 0 0 0 8.9 1",
  key: "M10 2.5a3.5 3.5 0 1 1-2.9 5.4L2.5 12.5V14h2v-1.5H6V11h1.5l.9-.9",
  check: "M3 8.5 6.5 12 13 4.5",
  pencil: "M11 2.5l2.5 2.5-8 8H3v-2.5zM9.5 4l2.5 2.5",
  archive: "M2 3h12v3H2zM3 6v7.5h10V6M6.5 9h3",
  pause: "M5.5 3.5v9M10.5 3.5v9",
  sliders: "M2.5 4.5h6M11.5 4.5h2M2.5 11.5h2M7.5 11.5h6M10 3v3M6 10v3",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16, label }: { name: IconName; size?: number; label?: string }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={label ? undefined : true}
      role={label ? "img" : undefined}
      aria-label={label}
      style={{ flex: "none" }}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
