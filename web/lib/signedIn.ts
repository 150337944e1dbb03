// Whether this browser was signed in the last time it asked: a hint, kept in localStorage, that lets
// the signed-in pages request their data at once (alongside the account check) and lets a signed-out
// visit make no request that would answer 401. The server has the truth; the hint only decides the
// order of requests. Set when the account check or a sign-in succeeds; cleared by a sign-out, a
// signed-out answer or any 401.
const KEY = "baton.signedIn";

export function signedInHint(): boolean {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false;
  }
}

export function rememberSignedIn(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(KEY, "1");
    else localStorage.removeItem(KEY);
  } catch {
    // storage disabled: every visit checks the account first
  }
}
