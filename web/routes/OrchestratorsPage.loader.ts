// The orchestrators list (routes/OrchestratorsPage.tsx).
import type { LoaderFunctionArgs } from "react-router";
import { api } from "../lib/api";
import { settle } from "../lib/loaders";

export const loader = ({ request }: LoaderFunctionArgs) => settle(request, api.listOrchestrators);
