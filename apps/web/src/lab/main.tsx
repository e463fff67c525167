import { render } from "preact";
import "../shared/styles.css";
import { LabApp } from "./lab-app";

const app = document.getElementById("app");
if (app !== null) render(<LabApp search={location.search} />, app);
