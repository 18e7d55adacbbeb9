// The camos console: sign in with a token, then one page per part of the kernel. Pages
// live in the URL's fragment (#/agents), so the kernel serves a single document.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Principal, token, whoAmI } from './api.ts';
import { ErrorNote } from './ui.tsx';
import { Overview } from './pages/overview.tsx';
import { Agents } from './pages/agents.tsx';
import { Tasks } from './pages/tasks.tsx';
import { Drivers } from './pages/drivers.tsx';
import { Context } from './pages/context.tsx';
import { Audit } from './pages/audit.tsx';
import { Policy } from './pages/policy.tsx';
import './style.css';

export interface PageProps {
  me: Principal;
}

const PAGES: [slug: string, title: string, page: (p: PageProps) => preact.JSX.Element][] = [
  ['overview', 'Overview', Overview],
  ['agents', 'Agents', Agents],
  ['tasks', 'Tasks', Tasks],
  ['drivers', 'Drivers', Drivers],
  ['context', 'Context', Context],
  ['audit', 'Audit', Audit],
  ['policy', 'Policy', Policy],
];

const slugOf = () => location.hash.replace(/^#\/?/, '').split('?')[0] || 'overview';

function SignIn({ onSignedIn }: { onSignedIn: (p: Principal) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    token.set(value.trim());
    try {
      onSignedIn(await whoAmI());
    } catch (err) {
      token.clear();
      setError(err);
    }
  };
  return (
    <main class="signin">
      <h1>camos console</h1>
      <form onSubmit={submit}>
        <label>
          Token
          <input name="token" type="password" autocomplete="off" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} placeholder="the admin token (<data-dir>/admin.token) or an agent's token" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <ErrorNote error={error} />
      <p class="muted">The token stays in this tab's session storage and goes only to this kernel, in the Authorization header.</p>
    </main>
  );
}

function App() {
  const [me, setMe] = useState<Principal | null>(null);
  const [checking, setChecking] = useState(!!token.get());
  const [slug, setSlug] = useState(slugOf());
  useEffect(() => {
    const onHash = () => setSlug(slugOf());
    window.addEventListener('hashchange', onHash);
    if (token.get())
      whoAmI()
        .then(setMe, () => token.clear())
        .finally(() => setChecking(false));
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (checking) return <p class="muted">signing in…</p>;
  if (!me) return <SignIn onSignedIn={setMe} />;
  const current = PAGES.find(([s]) => s === slug) ?? PAGES[0];
  const Page = current[2];
  const signOut = () => {
    token.clear();
    setMe(null);
  };
  return (
    <>
      <header class="top">
        <strong>camos</strong>
        <nav>
          {PAGES.map(([s, title]) => (
            <a key={s} href={`#/${s}`} aria-current={s === current[0] ? 'page' : undefined}>
              {title}
            </a>
          ))}
        </nav>
        <span class="who">
          signed in as <strong data-testid="principal">{me.caller}</strong> ({me.callerKind}){' '}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        <h1>{current[1]}</h1>
        <Page me={me} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
