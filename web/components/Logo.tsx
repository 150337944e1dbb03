export function Logo({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <path d="M9 23 L22 10" stroke="#fff" strokeWidth="3.5" strokeLinecap="round" />
      <circle cx="22.5" cy="9.5" r="3" fill="#fff" />
    </svg>
  );
}
