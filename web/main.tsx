import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { createAppRouter } from "./App";
import "./styles/base.css";
import "./styles/controls.css";
import "./styles/surfaces.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
const router = createAppRouter();
createRoot(root).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
