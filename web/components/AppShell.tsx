// The signed-in frame: a slim top bar (brand, navigation, model mode, account) over the page.
// Also the auth guard: signed-out visitors and any 401 from the API go to /login.
import { useEffect, useState } from "react";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { resetStreams } from "../hooks/streamRegistry";
import { useMe } from "../hooks/useMe";
import { onUnauthorized } from "../lib/http";
import { session } from "../lib/session";
import { Icon } from "./Icon";
import { Logo } from "./Logo";
import "../styles/shell.css";
import "../styles/header.css";

const NAV = [
  { to: "/", label: "Orchestrators", end: true },
  { to: "/usage", label: "Usage", end: false },
  { to: "/settings", label: "Settings", end: false },
  { to: "/docs", label: "API", end: false },
];

export function AppShell() {
  const { me, status, setMe } = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(
    () =>
      onUnauthorized(() => {
        resetStreams();
        setMe(null);
      }),
    [setMe],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu on every navigation.
  useEffect(() => setMenuOpen(false), [location.pathname]);

  // While /api/me is in flight the page renders already, so its own requests and stream start in
  // parallel instead of after it (~150–230 ms on a cold load). A signed-out visitor's requests
  // answer 401, which lands here as signed_out and redirects.
  const loading = status === "loading";
  if (!loading && (status === "signed_out" || !me)) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`} replace />;
  }

  const signOut = async () => {
    try {
      await session.logout();
    } finally {
      resetStreams();
      setMe(null);
      navigate("/login", { replace: true });
    }
  };

  return (
    <div className="shell">
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Baton home">
          <Logo />
          <span>Baton</span>
        </NavLink>
        <button
          type="button"
          className="btn btn-ghost btn-icon menu-toggle"
          aria-label="Menu"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((v) => !v)}
        >
          <Icon name="menu" />
        </button>
        <nav id="main-nav" className="nav" data-open={menuOpen} aria-label="Main">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.end} className="nav-link">
              {n.label}
            </NavLink>
          ))}
          <div className="nav-account">
            <span className="faint truncate" title={me?.user.email}>
              {me?.user.email}
            </span>
            <button type="button" className="btn btn-sm btn-ghost" onClick={signOut}>
              Sign out
            </button>
          </div>
        </nav>
        <div className="topbar-right">
          {me?.llm === "simulator" && (
            <span
              className="badge badge-amber"
              title="No ANTHROPIC_API_KEY is set: a built-in simulator answers."
            >
              <span className="sim-long">Simulated model — not Claude</span>
              <span className="sim-short">Simulated</span>
            </span>
          )}
          <span className="faint truncate account-email" title={me?.user.email} aria-busy={loading}>
            {me?.user.email}
          </span>
          <button type="button" className="btn btn-sm btn-ghost account-signout" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page-host">
        <Outlet />
      </main>
    </div>
  );
}
