import { Link } from "react-router";

export default function NotFoundPage() {
  return (
    <div className="empty" style={{ minHeight: "60vh" }}>
      <h2>Page not found</h2>
      <p>There's nothing at this address.</p>
      <Link className="btn" to="/">
        Go to orchestrators
      </Link>
    </div>
  );
}
