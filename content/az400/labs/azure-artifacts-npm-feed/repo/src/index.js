export { Button } from "./button.js";
