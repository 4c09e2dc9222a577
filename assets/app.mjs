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
} from "govuk-frontend";

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
    status.textContent = button.dataset.finding;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(2);
        longitude.value = position.coords.longitude.toFixed(2);
        where.value = "";
        form.requestSubmit();
      },
      () => {
        status.textContent = button.dataset.failed;
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

// One entry in the browser's history for the whole visit: moving between the directory's own pages
// replaces the current entry, so after Exit this page, Back goes to what was before the site, never
// to a directory page. Links to other sites, new tabs, downloads, phone and email links are left alone.
// Without JavaScript each page is its own entry; the safety page says so and how to clear history.
function replacesHistory(link, event) {
  return (
    !event.defaultPrevented &&
    event.button === 0 &&
    !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) &&
    link.origin === window.location.origin &&
    (!link.target || link.target === "_self") &&
    !link.hasAttribute("download") &&
    !link.classList.contains("govuk-js-exit-this-page-button") &&
    // A link within the page (the skip link, "Change", the language list) only scrolls.
    !(link.pathname === window.location.pathname && link.search === window.location.search && link.hash)
  );
}

const oneEntry = document.body.hasAttribute("data-app-one-history-entry");

document.addEventListener("click", (event) => {
  if (!oneEntry) {
    return;
  }
  const link = event.target.closest("a[href]");
  if (link && replacesHistory(link, event)) {
    event.preventDefault();
    window.location.replace(link.href);
  }
});

// Forms too: a search replaces the page it was made from. A form that sends something (report a
// problem) is sent in the background; its answer replaces this page, or shows here if it asks again.
// Signing out from the staff bar is left to the browser: sent in the background, the sign-in page it
// leads to would be fetched here first, and its "You have signed out" message lost with it.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const method = (form.getAttribute("method") || "get").toLowerCase();
  if (
    !oneEntry ||
    event.defaultPrevented ||
    new URL(form.action).origin !== window.location.origin ||
    form.closest("[data-app-staff-bar]")
  ) {
    return;
  }
  event.preventDefault();
  const data = new FormData(form, event.submitter);
  if (method === "get") {
    const address = new URL(form.action);
    address.search = new URLSearchParams(data).toString();
    window.location.replace(address.href);
    return;
  }
  const response = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
  if (response.redirected) {
    window.location.replace(response.url);
    return;
  }
  const answer = new DOMParser().parseFromString(await response.text(), "text/html");
  document.title = answer.title;
  document.querySelector("main").replaceWith(answer.querySelector("main"));
  createAll(ErrorSummary);
  createAll(CharacterCount);
  createAll(Radios);
});
