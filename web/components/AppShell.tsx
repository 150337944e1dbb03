// The signed-in frame: a slim top bar (brand, navigation, model mode, account) over the page.
// Also the auth guard: its route loader asks GET /api/auth/session (who is signed in; never a 401)
// before any signed-in page renders (in parallel with the page's own loader and code), a signed-out
// visitor is redirected to /login, and any later 401 from the API sends the user there too.
import { type MouseEvent, type ReactNode, useEffect, useRef, useState } from "react";
import {
  Link,
  type LoaderFunctionArgs,
  NavLink,
  Outlet,
  type ShouldRevalidateFunctionArgs,
  useLocation,
  useNavigate,
  useNavigation,
} from "react-router";
import type { Me } from "../../schema/api";
import { resetStreams } from "../hooks/streamRegistry";
import { type ShellData, useMe } from "../hooks/useMe";
import { onUnauthorized } from "../lib/http";
import { fetchFor, loginPath } from "../lib/loaders";
import { session } from "../lib/session";
import { Icon } from "./Icon";
import { Logo } from "./Logo";
import { SimulatedBadge } from "./SimulatedBadge";
import "../styles/shell.css";
import "../styles/header.css";

const NAV = [
  { to: "/", label: "Orchestrators", end: true },
  { to: "/usage", label: "Usage", end: false },
  { to: "/settings", label: "Settings", end: false },
  { to: "/docs", label: "API", end: false },
];

/** Pages open to everyone: signed out, they show in the frame with Sign in instead of the account. */
const PUBLIC_PAGES = /^\/docs\/?$/;

export async function shellLoader({ request }: LoaderFunctionArgs): Promise<ShellData> {
  try {
    return { me: await fetchFor(request, session.me, undefined, { accountCheck: true }) };
  } catch (e) {
    if (e instanceof Response) {
      resetStreams(); // signed out: the next user never sees these
      if (PUBLIC_PAGES.test(new URL(request.url).pathname)) return { me: null };
    }
    throw e;
  }
}

/** The account loads once per visit to the signed-in pages, and again when asked (`useMe().refresh`). */
export function shellShouldRevalidate({
  currentUrl,
  nextUrl,
  defaultShouldRevalidate,
}: ShouldRevalidateFunctionArgs) {
  return currentUrl.href === nextUrl.href && defaultShouldRevalidate;
}

export function AppShell() {
  const { me } = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const navigation = useNavigation();
  const here = useRef({ path: "/", navigating: false });
  here.current = { path: location.pathname + location.search, navigating: navigation.state !== "idle" };

  useEffect(
    () =>
      onUnauthorized(() => {
        resetStreams();
        // A loader's 401 already redirects, to where the visitor was going.
        if (!here.current.navigating) navigate(loginPath(here.current.path), { replace: true });
      }),
    [navigate],
  );

  return (
    <Frame me={me} signedOut={!me} pending={navigation.state === "loading"}>
      <Outlet />
    </Frame>
  );
}

/** Shown while the first signed-in page's account, code and data load. */
export function ShellFallback() {
  return (
    <Frame me={null} pending={false}>
      <div className="boot" aria-busy="true" />
    </Frame>
  );
}

function Frame({
  me,
  signedOut = false,
  pending,
  children,
}: {
  me: Me | null;
  /** A public page, signed out: the API link and Sign in, no account. (Loading has `me` null too.) */
  signedOut?: boolean;
  pending: boolean;
  children: ReactNode;
}) {
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu on every navigation.
  useEffect(() => setMenuOpen(false), [location.pathname]);

  const signOut = async () => {
    try {
      await session.logout();
    } finally {
      resetStreams();
      navigate("/login", { replace: true });
    }
  };

  return (
    // data-pending: a navigation waits for its page's code and data (a thin bar under the top bar).
    <div className="shell" data-pending={pending}>
      <SkipLinks />
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
          {(signedOut ? NAV.filter((n) => n.to === "/docs") : NAV).map((n) => (
            <NavLink key={n.to} to={n.to} end={n.end} className="nav-link">
              {n.label}
            </NavLink>
          ))}
          <div className="nav-account" hidden={signedOut}>
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
            <SimulatedBadge title="No Anthropic API key (yours or this server's): a built-in simulator answers. Add yours in Settings." />
          )}
          {signedOut ? (
            <>
              <Link
                to={`/login?next=${encodeURIComponent(location.pathname)}`}
                className="btn btn-sm btn-ghost"
              >
                Sign in
              </Link>
              <Link to="/signup" className="btn btn-sm btn-primary">
                Create account
              </Link>
            </>
          ) : (
            <>
              <span className="faint truncate account-email" title={me?.user.email} aria-busy={!me}>
                {me?.user.email}
              </span>
              <button type="button" className="btn btn-sm btn-ghost account-signout" onClick={signOut}>
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" className="page-host" tabIndex={-1} aria-busy={pending || undefined}>
        {children}
      </main>
    </div>
  );
}

/** Pages with a message box (the control room, an agent's page): the skip link can go straight to it. */
const HAS_COMPOSER = /^\/o\/[^/]+(\/agents\/[^/]+)?\/?$/;

/**
 * The first tab stops: skip the top bar to the page, or — where there is one — to the message box.
 * They move focus themselves instead of changing the URL's hash (which the router would see).
 */
function SkipLinks() {
  const { pathname } = useLocation();
  const skipTo = (selector: string) => (e: MouseEvent) => {
    const el = document.querySelector<HTMLElement>(selector);
    if (!el) return;
    e.preventDefault();
    el.focus();
  };
  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link (announced so); the handler only avoids a hash navigation. */}
      <a href="#main" className="skip-link" onClick={skipTo("#main")}>
        Skip to content
      </a>
      {HAS_COMPOSER.test(pathname) && (
        // biome-ignore lint/a11y/useValidAnchor: as above.
        <a href="#composer-input" className="skip-link" onClick={skipTo("#composer-input")}>
          Skip to the message box
        </a>
      )}
    </>
  );
}
