// The API reference (routes/DocsPage.tsx): the OpenAPI document.
import type { LoaderFunctionArgs } from "react-router";
import { api } from "../lib/api";
import { settle } from "../lib/loaders";

export const loader = ({ request }: LoaderFunctionArgs) => settle(request, api.openapi);
