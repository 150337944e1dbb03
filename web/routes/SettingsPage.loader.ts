// Settings (routes/SettingsPage.tsx): the API tokens. The account itself comes from the shell.
import type { LoaderFunctionArgs } from "react-router";
import { api } from "../lib/api";
import { settle } from "../lib/loaders";

export const loader = ({ request }: LoaderFunctionArgs) => settle(request, api.listTokens);
