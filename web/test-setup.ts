// Web tests run beside the Worker tests on two shared cores: give testing-library's findBy/waitFor
// room (the default 1 s flakes under load; a real failure still fails, just later).
import { configure } from "@testing-library/react";

configure({ asyncUtilTimeout: 5000 });
