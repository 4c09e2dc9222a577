// Progressive enhancement only: every page works without this script.
import {
  Button,
  Checkboxes,
  createAll,
  ErrorSummary,
  ExitThisPage,
  Radios,
  SkipLink,
} from "./govuk/govuk-frontend.min.js";

// Leaves with location.replace, so Back does not return to this page.
class QuickExit extends ExitThisPage {
  exitPage() {
    document.body.classList.add("govuk-exit-this-page-hide-content");
    window.location.replace(this.$button.href);
  }
}

for (const Component of [QuickExit, Button, Checkboxes, ErrorSummary, Radios, SkipLink]) {
  createAll(Component);
}
