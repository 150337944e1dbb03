// The API reference (routes/DocsPage.tsx): the OpenAPI document, which needs no account (the page
// is open to signed-out visitors too).
import type { LoaderFunctionArgs } from "react-router";
import { api } from "../lib/api";
import { settle } from "../lib/loaders";

export const loader = ({ request }: LoaderFunctionArgs) =>
  settle(request, api.openapi, undefined, { public: true });
