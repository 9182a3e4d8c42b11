// The browser's time zone, sent with the sign-up form, so that times are shown in it from the first page.
document.querySelectorAll("input[data-browser-time-zone]").forEach((input) => {
  try {
    input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    // An old browser without Intl: the site's zone is used until the profile names one.
  }
});
