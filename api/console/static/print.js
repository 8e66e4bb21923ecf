// The 纪实表's 打印 button opens the browser's print dialog. A file of its own, not an onclick
// attribute: the console's Content-Security-Policy runs no inline script.
"use strict";
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
