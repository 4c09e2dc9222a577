// Progressive enhancement only: every page works without this script.
import {
  Button,
  CharacterCount,
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

for (const Component of [QuickExit, Button, CharacterCount, Checkboxes, ErrorSummary, Radios, SkipLink]) {
  createAll(Component);
}

// "Use my location": fills the search form with the browser's position, rounded to about a
// kilometre before it leaves the device. Without JavaScript the button stays hidden.
function enableUseMyLocation(form) {
  const button = form.querySelector("[data-app-use-location]");
  if (!button || !("geolocation" in navigator)) {
    return;
  }
  const status = form.querySelector("[data-app-location-status]");
  const where = form.querySelector("input[name=where]");
  const latitude = form.querySelector("[data-app-lat]");
  const longitude = form.querySelector("[data-app-lon]");
  button.hidden = false;
  button.addEventListener("click", () => {
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(2);
        longitude.value = position.coords.longitude.toFixed(2);
        where.value = "";
        form.requestSubmit();
      },
      () => {
        status.textContent = "We could not get your location. Type a postcode or a town instead.";
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 },
    );
  });
  where.addEventListener("input", () => {
    latitude.value = "";
    longitude.value = "";
  });
}

document.querySelectorAll("[data-app-search-form]").forEach(enableUseMyLocation);

// "Print": a button for what the browser's own Print menu already does. Hidden without JavaScript.
document.querySelectorAll("[data-app-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
