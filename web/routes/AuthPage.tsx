// Sign in and sign up: one form, two modes. After success, go where the visitor was headed.
import { type FormEvent, useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Field } from "../components/Field";
import { Logo } from "../components/Logo";
import { ApiError } from "../lib/http";
import { session } from "../lib/session";
import "../styles/auth.css";

/**
 * Only same-app paths: `next` must never send a visitor to another site. Browsers read `\` as `/`
 * and drop tabs and newlines, so `/\evil.example` would be `//evil.example`: refused too.
 */
export function safeNext(next: string | null): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (!next?.startsWith("/") || next.startsWith("//") || /[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  return next;
}

/** The server's rule for new passwords (schema/api signupBody), checked before sending. */
const MIN_PASSWORD = 10;

const FIELD_LABELS: Record<string, string> = { email: "Email", password: "Password" };

/** The server's issues for this form's fields as sentences: "Password must be at least 10 characters." */
function fieldSentences(err: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(err.fieldErrors())) {
    const label = FIELD_LABELS[field];
    if (label) out[field] = `${label} ${message.replace(/\.$/, "")}.`;
  }
  return out;
}

export function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const signup = mode === "signup";

  // Already signed in (a bookmark, the back button): go on. Not asked again right after /api/me
  // said otherwise (the shell's redirect here, signing out).
  useEffect(() => {
    if (session.knownSignedOut()) return;
    let live = true;
    session.me().then(
      () => live && navigate(next, { replace: true }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [navigate, next]);

  useEffect(() => {
    document.title = signup ? "Sign up · Baton" : "Sign in · Baton";
  }, [signup]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setRefused(false);
    setFields({});
    // Said here, at once, as the server would say it: no request that is bound to be refused.
    if (signup && password.length < MIN_PASSWORD) {
      setFields({ password: `Password must be at least ${MIN_PASSWORD} characters.` });
      setBusy(false);
      return;
    }
    try {
      await (signup ? session.signup(email, password) : session.login(email, password));
      navigate(next, { replace: true }); // the shell's loader asks /api/me
    } catch (err) {
      if (err instanceof ApiError) {
        // A field's problem is said once, next to the field; anything else once, at the top.
        const sentences = fieldSentences(err);
        setFields(sentences);
        setRefused(err.code === "signup_refused");
        setError(Object.keys(sentences).length ? null : err.message);
      } else setError("Something went wrong. Try again.");
    } finally {
      setBusy(false);
    }
  };

  const other = signup ? "/login" : "/signup";
  const otherHref = params.get("next") ? `${other}?next=${encodeURIComponent(next)}` : other;

  return (
    <main className="auth">
      <div className="auth-brand">
        <Logo size={32} />
        <span>Baton</span>
      </div>
      <form className="auth-card card" onSubmit={submit} noValidate aria-labelledby="auth-title">
        <div>
          <h1 id="auth-title">{signup ? "Create your account" : "Sign in to Baton"}</h1>
          <p className="muted">
            {signup
              ? "Run a team of agents from one conversation."
              : "Welcome back. Your agents kept working."}
          </p>
        </div>
        {refused ? (
          <div className="notice notice-error" role="alert">
            Couldn't create an account with that email. If it's yours, <Link to={otherHref}>sign in</Link>{" "}
            instead.
          </div>
        ) : (
          error && (
            <div className="notice notice-error" role="alert">
              {error}
            </div>
          )
        )}
        <Field id="email" label="Email" error={fields.email} alert>
          <input
            className="input"
            type="email"
            autoComplete="email"
            required
            // biome-ignore lint/a11y/noAutofocus: the email field is the only thing to do on this page.
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field
          id="password"
          label="Password"
          hint={signup && `At least ${MIN_PASSWORD} characters.`}
          error={fields.password}
          alert
        >
          <input
            className="input"
            type="password"
            autoComplete={signup ? "new-password" : "current-password"}
            required
            minLength={signup ? MIN_PASSWORD : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="btn btn-primary auth-submit" disabled={busy || !email || !password}>
          {busy && <span className="spinner" aria-hidden="true" />}
          {signup ? "Create account" : "Sign in"}
        </button>
        <p className="muted auth-switch">
          {signup ? "Already have an account? " : "New to Baton? "}
          <Link to={otherHref}>{signup ? "Sign in" : "Create an account"}</Link>
        </p>
      </form>
    </main>
  );
}
