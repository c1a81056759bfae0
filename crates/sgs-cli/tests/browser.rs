//! The running app in headless Chromium: each demo role signs in through the real form, sees
//! what it may, and is refused what it may not. Also checks the skip link is the first thing a
//! keyboard reaches and that pages fit a phone's width.
//!
//! Needs `chromedriver` and Chromium (Debian `chromium-driver`, `chromium`). Without them the
//! test skips with a message, unless `SGS_REQUIRE_BROWSER` is set (as CI does), where it fails.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sgs_cli::{demo_accounts, DEMO_PASSWORD};
use sgs_domain::Role;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Kills the child process when the test ends, pass or fail.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn browser_available() -> bool {
    let found = Command::new("chromedriver")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var_os("SGS_REQUIRE_BROWSER").is_some() {
            panic!("SGS_REQUIRE_BROWSER is set but chromedriver is not installed");
        }
        eprintln!("skipping browser test: chromedriver not found (install Debian chromium and chromium-driver)");
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `sgs demo` on a free port and returns its base URL.
fn start_app(data_dir: &std::path::Path) -> (Guard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sgs"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["demo", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start sgs demo");
    let stdout = child.stdout.take().unwrap();
    let guard = Guard(child);
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("SGS is running at ") {
            let url = rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_string();
            return (guard, url);
        }
    }
    panic!("sgs demo exited without serving");
}

struct Driver {
    base: String,
    _process: Guard,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver {
            base: format!("http://127.0.0.1:{port}"),
            _process: Guard(child),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if ureq::get(&format!("{}/status", driver.base)).call().is_ok() {
                return driver;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("chromedriver did not start");
    }

    fn session(&self) -> Session<'_> {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let mut options = json!({"args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", "--window-size=1280,900"
        ]});
        if let Some(binary) = chromium {
            options["binary"] = json!(binary);
        }
        let reply: Value = ureq::post(&format!("{}/session", self.base))
            .send_json(json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}}))
            .expect("new WebDriver session")
            .into_json()
            .unwrap();
        let id = reply["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        Session {
            base: format!("{}/session/{id}", self.base),
            _driver: std::marker::PhantomData,
        }
    }
}

struct Session<'a> {
    base: String,
    #[allow(dead_code)]
    _driver: std::marker::PhantomData<&'a Driver>,
}

impl Session<'_> {
    fn post(&self, path: &str, body: Value) -> Value {
        let reply = ureq::post(&format!("{}{path}", self.base)).send_json(body);
        match reply {
            Ok(r) => r.into_json::<Value>().unwrap()["value"].clone(),
            Err(ureq::Error::Status(code, r)) => panic!(
                "WebDriver {path}: {code} {}",
                r.into_string().unwrap_or_default()
            ),
            Err(e) => panic!("WebDriver {path}: {e}"),
        }
    }

    fn get(&self, path: &str) -> Value {
        ureq::get(&format!("{}{path}", self.base))
            .call()
            .expect("WebDriver GET")
            .into_json::<Value>()
            .unwrap()["value"]
            .clone()
    }

    fn goto(&self, url: &str) {
        self.post("/url", json!({"url": url}));
    }

    fn find(&self, css: &str) -> String {
        let found = self.post("/element", json!({"using": "css selector", "value": css}));
        match found[ELEMENT].as_str() {
            Some(id) => id.to_string(),
            None => panic!(
                "no element {css} ({found}) at {} in:\n{}",
                self.url(),
                self.source()
            ),
        }
    }

    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.post(&format!("/element/{element}/value"), json!({"text": text}));
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.post(&format!("/element/{element}/click"), json!({}));
    }

    fn source(&self) -> String {
        self.get("/source").as_str().unwrap_or_default().to_string()
    }

    fn url(&self) -> String {
        self.get("/url").as_str().unwrap_or_default().to_string()
    }

    fn script(&self, code: &str) -> Value {
        self.post("/execute/sync", json!({"script": code, "args": []}))
    }

    /// Waits until the page source satisfies `done` (a slow machine may still be rendering).
    fn wait_for_source(&self, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let source = self.source();
            if done(&source) || Instant::now() > deadline {
                return source;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the current URL satisfies `done`.
    fn wait_for_url(&self, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let url = self.url();
            if done(&url) || Instant::now() > deadline {
                return url;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.base).call();
    }
}

#[test]
fn each_role_signs_in_and_sees_only_what_it_may() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_app, app) = start_app(dir.path());
    let driver = Driver::start();
    let data = format!("{app}/d/999901/data");
    let audit = format!("{app}/d/999901/audit");

    for (email, _, role) in demo_accounts() {
        let browser = driver.session();
        browser.goto(&format!("{app}/login"));
        browser.type_into("#email", email);
        browser.type_into("#password", DEMO_PASSWORD);
        browser.click("button[type=submit]");
        let landed = browser.wait_for_url(|u| !u.ends_with("/login"));
        assert!(!landed.ends_with("/login"), "{role:?} could not sign in");

        browser.goto(&format!("{app}/d/999901"));
        let page = browser.wait_for_source(|s| s.contains("Sign out"));
        assert!(
            page.contains(email.split('@').next().unwrap()) || page.contains("Sign out"),
            "{role:?} is not shown as signed in"
        );
        let staff = role.can_view_staff_pages();
        assert_eq!(
            page.contains("/d/999901/data\""),
            staff,
            "{role:?}: Data in the navigation"
        );
        assert_eq!(
            page.contains("/d/999901/audit\""),
            role.can_administer(),
            "{role:?}: Audit log in the navigation"
        );

        browser.goto(&data);
        let page = browser.wait_for_source(|s| s.contains("Data and imports") || refused(s));
        assert_eq!(
            page.contains("Data and imports"),
            staff,
            "{role:?} on the data page"
        );
        assert_eq!(refused(&page), !staff, "{role:?} refused the data page");

        browser.goto(&audit);
        let page = browser.wait_for_source(|s| s.contains("Audit log</h1>") || refused(s));
        assert_eq!(
            refused(&page),
            !role.can_administer(),
            "{role:?} on the audit log"
        );
        if role.can_administer() {
            assert!(page.contains("import"), "the demo load is in the audit log");
        }

        if role == Role::Family {
            // Families switch to Spanish from any page and stay there.
            browser.goto(&format!("{app}/d/999901/finder"));
            browser.click("a[lang=es]");
            browser.wait_for_url(|u| u.ends_with("/d/999901/finder"));
            let page = browser.source();
            assert!(page.contains("Buscar una escuela"), "the finder in Spanish");
            assert!(page.contains("lang=\"es\""));
        }
    }
}

#[test]
fn keyboard_reaches_the_skip_link_first_and_pages_fit_a_phone() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_app, app) = start_app(dir.path());
    let driver = Driver::start();
    let browser = driver.session();
    browser.post("/window/rect", json!({"width": 390, "height": 844}));

    for path in [
        "/d/999901",
        "/d/999901/campuses",
        "/d/999901/finder",
        "/d/999901/campuses/999901101",
        "/d/999901/goals",
        "/d/999901/projections",
    ] {
        browser.goto(&format!("{app}{path}"));
        let body = browser.find("body");
        browser.post(
            &format!("/element/{body}/value"),
            json!({"text": "\u{E004}"}),
        );
        let active = browser.get("/element/active");
        let active = active[ELEMENT].as_str().unwrap().to_string();
        let text = browser.get(&format!("/element/{active}/text"));
        assert_eq!(text, "Skip to main content", "{path}: first Tab stop");

        let fits =
            browser.script("return document.documentElement.scrollWidth <= window.innerWidth + 1;");
        assert_eq!(fits, json!(true), "{path} scrolls sideways on a phone");
        let unlabeled = browser.script(
            "return Array.from(document.querySelectorAll('input:not([type=hidden]), select'))\
             .filter(e => !(e.id && document.querySelector('label[for=\"' + e.id + '\"]'))).length;",
        );
        assert_eq!(unlabeled, json!(0), "{path} has form fields without labels");
    }

    // The filters update the list in place (htmx, under the app's strict CSP): choosing a level
    // changes the announced count without a page load.
    browser.goto(&format!("{app}/d/999901/campuses"));
    let marker = browser.script("window.sgsNoReload = 1; return window.sgsNoReload;");
    assert_eq!(marker, json!(1));
    let select = browser.find("#school_type");
    browser.post(&format!("/element/{select}/click"), json!({}));
    let option = browser.find("#school_type option[value=high]");
    browser.post(&format!("/element/{option}/click"), json!({}));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut count = String::new();
    while Instant::now() < deadline {
        let status = browser.find("#result-count");
        count = browser
            .get(&format!("/element/{status}/text"))
            .as_str()
            .unwrap_or_default()
            .to_string();
        if count.starts_with("8 ") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        count.starts_with("8 "),
        "the count after filtering to high schools: {count:?}"
    );
    let same_page = browser.script("return window.sgsNoReload === 1;");
    assert_eq!(
        same_page,
        json!(true),
        "filtering reloaded the page instead of swapping the list"
    );
    assert!(
        browser.url().contains("school_type=high"),
        "the filtered list has its own URL"
    );
}

#[test]
fn an_analyst_walks_from_the_north_star_to_a_priority_area_a_campus_and_a_scenario() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_app, app) = start_app(dir.path());
    let driver = Driver::start();
    let browser = driver.session();
    browser.goto(&format!("{app}/login"));
    browser.type_into("#email", "analyst@riverbend.example");
    browser.type_into("#password", DEMO_PASSWORD);
    browser.click("button[type=submit]");
    browser.wait_for_url(|u| !u.ends_with("/login"));

    // The North Star and the seat gaps, then the top priority area.
    browser.goto(&format!("{app}/d/999901/goals"));
    assert!(browser.source().contains("North Star"));
    // Areas are listed by need: the first link is the top priority area.
    browser.click("a[href*='/goals/areas/']");
    let area = browser.wait_for_url(|u| u.contains("/goals/areas/"));
    assert!(
        browser
            .source()
            .contains("Schools located in this neighborhood"),
        "{area}"
    );

    // A campus in that area, then back to plan a restart for it.
    browser.click("ul.located a");
    let campus_url = browser.wait_for_url(|u| u.contains("/campuses/"));
    let campus_id = campus_url.rsplit('/').next().unwrap().to_string();
    assert!(browser.source().contains("Rating history"));

    browser.goto(&format!("{app}/d/999901/scenarios"));
    browser.type_into("#name", "Restart in a priority area");
    browser.click("main form button[type=submit]");
    let scenario =
        browser.wait_for_url(|u| u.contains("/scenarios/") && !u.ends_with("/scenarios"));
    // Open "Restart or redesign: expected tier", as a person would, then fill it in.
    browser.click("section[aria-labelledby=add] details summary");
    browser.script(&format!(
        "document.querySelector('#campus_id').value = '{campus_id}'; document.querySelector('#tier').value = 'quality'; return true;"
    ));
    let add = browser.find("input[value=change_tier] ~ div button[type=submit]");
    browser.post(&format!("/element/{add}/click"), json!({}));
    // The form posts and comes back to the same address, so wait for the page to change.
    let page = browser.wait_for_source(|s| !s.contains("No actions yet"));
    assert!(browser.url() == scenario, "back on the scenario");
    assert!(!page.contains("No actions yet"), "the action was added");
    assert!(page.contains("With the actions"), "the comparison is shown");
}

#[test]
fn a_family_builds_a_list_on_a_phone_in_spanish_with_the_keyboard() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_app, app) = start_app(dir.path());
    let driver = Driver::start();
    let browser = driver.session();
    browser.window((390, 844));

    // From the finder, by its link, then into Spanish with the page's own switch.
    browser.goto(&format!("{app}/d/999901/finder"));
    browser.click("a[href='/d/999901/finder/list']");
    browser.wait_for_url(|u| u.ends_with("/finder/list"));
    browser.click("a[lang=es]");
    let page = browser.wait_for_source(|s| s.contains("Arme su lista"));
    assert!(page.contains("lang=\"es\""), "the list builder in Spanish");
    browser.fits_and_is_labelled("the empty list builder");

    // Kindergarten, two schools, the second with neighborhood priority.
    browser.choose("#grade", "Kínder");
    browser.click("#grade ~ button, button[name=show]");
    browser.wait_for_url(|u| u.contains("grade=K"));
    browser.choose("#p1", "kindergarten");
    let first = browser.script("return document.querySelector('#p1').value;");
    let second = browser.script(
        "const s = document.querySelector('#p2'); const first = document.querySelector('#p1').value; \
         const o = Array.from(s.options).find(o => o.value && o.value !== first); s.value = o.value; return o.value;",
    );
    assert_ne!(first, second);
    browser.choose("#g2", "vecindario");

    // Tab from the last priority field to the button, and press Enter.
    let g2 = browser.find("#g2");
    browser.post(&format!("/element/{g2}/click"), json!({}));
    browser.keys("\u{E00C}"); // Escape closes the open list of options
    let mut reached = false;
    for _ in 0..40 {
        browser.keys("\u{E004}");
        let active = browser.script("return document.activeElement.textContent.trim();");
        if active == json!("Ver las probabilidades de esta lista") {
            reached = true;
            break;
        }
    }
    assert!(reached, "the button is reachable with Tab");
    browser.keys("\u{E007}");
    let page = browser.wait_for_source(|s| s.contains("Las probabilidades de su lista"));
    assert!(
        page.contains("Ninguna oferta de su lista"),
        "the result in Spanish"
    );
    assert!(page.contains("hermano inscrito") || page.contains("vecindario"));
    let url = browser.url();
    assert!(
        url.contains(&format!("p1={}", first.as_str().unwrap()))
            && url.contains(&format!("p2={}", second.as_str().unwrap())),
        "the list is in the address, so it can be shared or revisited: {url}"
    );
    assert!(
        url.ends_with("#list-result"),
        "the page opens at the result: {url}"
    );
    // The two rows of the result and its two totals, on a phone without sideways scrolling.
    let rows = browser.script("return document.querySelectorAll('#list-result tbody tr').length;");
    assert_eq!(rows, json!(2));
    browser.fits_and_is_labelled("the list builder with its result");
}

impl Session<'_> {
    /// Sets the window size: a phone (390×844) or a desktop (1280×900).
    fn window(&self, (width, height): (u32, u32)) {
        self.post("/window/rect", json!({"width": width, "height": height}));
    }

    /// Signs in through the form, then switches the language with the page's own link when
    /// `lang` is Spanish.
    fn sign_in(&self, app: &str, email: &str, lang: &str) {
        self.goto(&format!("{app}/login"));
        self.type_into("#email", email);
        self.type_into("#password", DEMO_PASSWORD);
        self.click("button[type=submit]");
        let landed = self.wait_for_url(|u| !u.ends_with("/login"));
        assert!(!landed.ends_with("/login"), "{email} could not sign in");
        if lang == "es" {
            self.goto(&format!("{app}/d/999901/self-assessment"));
            self.click("a[lang=es]");
            self.wait_for_source(|s| s.contains("lang=\"es\""));
        }
    }

    /// The page fits the window's width and every field has a label.
    fn fits_and_is_labelled(&self, what: &str) {
        // The elements that reach past the right edge (outside any scrolling box), named so
        // a failure says what to fix.
        let wide = self.script(
            "if (document.documentElement.scrollWidth <= window.innerWidth + 1) return '';\
             const inScroller = e => { for (let p = e.parentElement; p; p = p.parentElement) { \
               const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };\
             return Array.from(document.querySelectorAll('body *'))\
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !inScroller(e))\
             .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') \
               + ' ' + Math.round(e.getBoundingClientRect().right) + 'px').join(', ') || 'the page';",
        );
        assert_eq!(wide, json!(""), "{what} scrolls sideways");
        let unlabeled = self.script(
            "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))\
             .filter(e => !(e.id && document.querySelector('label[for=\"' + e.id + '\"]'))).map(e => e.name).join(',');",
        );
        assert_eq!(
            unlabeled,
            json!(""),
            "{what} has form fields without labels"
        );
    }

    /// Sets a select to the option whose text contains `text`.
    fn choose(&self, select: &str, text: &str) {
        let done = self.script(&format!(
            "const s = document.querySelector('{select}'); \
             const o = Array.from(s.options).find(o => o.text.includes('{text}')); \
             if (!o) return false; s.value = o.value; return true;"
        ));
        assert_eq!(done, json!(true), "no option {text:?} in {select}");
    }

    /// Presses keys on the focused element (WebDriver key codes).
    fn keys(&self, keys: &str) {
        let active = self.get("/element/active");
        let active = active[ELEMENT].as_str().unwrap().to_string();
        self.post(&format!("/element/{active}/value"), json!({"text": keys}));
    }
}

/// What a person reads on the self-assessment screens, per language.
struct Words {
    title: &'static str,
    saved: &'static str,
    submitted: &'static str,
    consensus: &'static str,
    profile: &'static str,
    heat: &'static str,
    discuss: &'static str,
}

const ENGLISH: Words = Words {
    title: "Self-assessment",
    saved: "Draft saved",
    submitted: "Your ratings are submitted",
    consensus: "Consensus: 2 · Emerging",
    profile: "Lever profile",
    heat: "Heat map of indicators",
    discuss: "High disagreement",
};

const SPANISH: Words = Words {
    title: "Autoevaluación",
    saved: "Borrador guardado",
    submitted: "Sus calificaciones fueron entregadas",
    consensus: "Consenso: 2 · Emergente",
    profile: "Perfil por palanca",
    heat: "Mapa de calor",
    discuss: "Mucho desacuerdo",
};

/// One rater's part: answer the first indicator with `level` (by keyboard when asked), add a
/// note and a link, save the draft, come back to it, answer the rest "don't know", submit.
fn rate_and_submit(
    browser: &Session,
    form_url: &str,
    level: u8,
    by_keyboard: bool,
    note: &str,
    words: &Words,
) {
    browser.goto(form_url);
    browser.fits_and_is_labelled("the rating form");
    if by_keyboard {
        // Arrow keys move the choice within an indicator's radio group; Enter saves the draft.
        browser.script("document.querySelector('#i1-1').focus(); return true;");
        browser.keys(&"\u{E015}".repeat(usize::from(level - 1)));
    } else {
        browser.click(&format!("#i1-{level}"));
    }
    browser.type_into("#i1-note", note);
    browser.type_into("#i1-links", "https://riverbend.example/evidence.pdf");
    if by_keyboard {
        // The first "Save draft" button, reached and pressed from the keyboard.
        browser.script(
            "document.querySelector('button[name=action][value=save]').focus(); return true;",
        );
        browser.keys("\u{E007}");
    } else {
        browser.click("button[name=action][value=save]");
    }
    let page = browser.wait_for_source(|s| s.contains(words.saved));
    assert!(page.contains(words.saved), "the draft was saved");

    // Come back later: the draft is there.
    browser.goto(form_url);
    let checked = browser.script(&format!(
        "return document.querySelector('#i1-{level}').checked && document.querySelector('#i1-note').value;"
    ));
    assert_eq!(checked, json!(note), "the draft came back");

    browser.script(
        "document.querySelectorAll('fieldset.sa-indicator').forEach(f => { \
           if (!f.querySelector('input[type=radio]:checked')) f.querySelector('input[value=dont-know]').click(); }); \
         return true;",
    );
    browser.click("button[name=action][value=submit]");
    let page = browser.wait_for_source(|s| s.contains(words.submitted));
    assert!(page.contains(words.submitted), "the ratings were submitted");
}

#[test]
fn administrator_raters_and_facilitator_run_a_self_assessment_in_both_languages_on_a_phone_and_a_desktop(
) {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_app, app) = start_app(dir.path());
    let driver = Driver::start();
    let phone = (390, 844);
    let desktop = (1280, 900);

    for (round, (lang, window)) in [
        ("en", desktop),
        ("es", phone),
        ("en", phone),
        ("es", desktop),
    ]
    .into_iter()
    .enumerate()
    {
        let words = if lang == "es" { &SPANISH } else { &ENGLISH };
        let start = 2026 + round as u16;
        let year = format!("{start}-{}", start + 1);
        let context = format!("{lang} {window:?}");

        // The administrator opens the year with the analyst as facilitator and invites two raters.
        let admin = driver.session();
        admin.window(window);
        admin.sign_in(&app, "admin@riverbend.example", lang);
        admin.goto(&format!("{app}/d/999901/self-assessment"));
        let page = admin.wait_for_source(|s| s.contains(words.title));
        assert!(
            page.contains(&format!("<h1>{}</h1>", words.title)),
            "{context}"
        );
        admin.fits_and_is_labelled(&format!("{context}: the assessment list"));
        let field = admin.find("#school_year");
        admin.post(&format!("/element/{field}/clear"), json!({}));
        admin.type_into("#school_year", &year);
        admin.choose("#facilitator_id", "Ana Analyst");
        admin.click("main form button[type=submit]");
        let home = admin.wait_for_url(|u| {
            u.rsplit('/')
                .next()
                .is_some_and(|tail| tail.parse::<i64>().is_ok())
        });
        for (who, seat) in [("reviewer@", "cabinet"), ("board@", "board")] {
            admin.choose("#user_id", who);
            admin.script(&format!(
                "document.querySelector('#rater_role').value = '{seat}'; return true;"
            ));
            admin.click("form[action$='/raters'] button[type=submit]");
            admin.wait_for_source(|s| !s.contains(&format!("{who}riverbend.example</option>")));
        }
        let page = admin.source();
        assert!(
            page.contains("Rui Reviewer") && page.contains("Bea Board"),
            "{context}: the team"
        );
        admin.fits_and_is_labelled(&format!("{context}: the assessment"));
        drop(admin);

        // Two raters: one with the mouse, one by keyboard; they disagree on the first indicator.
        let form_url = format!("{home}/rate");
        let reviewer = driver.session();
        reviewer.window(window);
        reviewer.sign_in(&app, "reviewer@riverbend.example", lang);
        rate_and_submit(
            &reviewer,
            &form_url,
            2,
            false,
            "Drafted, not adopted",
            words,
        );
        let board = driver.session();
        board.window(window);
        board.sign_in(&app, "board@riverbend.example", lang);
        rate_and_submit(&board, &form_url, 4, true, "Adopted in May", words);
        drop(board);

        // The facilitator sees the disagreement first, records the consensus and closes.
        let facilitator = driver.session();
        facilitator.window(window);
        facilitator.sign_in(&app, "analyst@riverbend.example", lang);
        facilitator.goto(&format!("{home}/spread"));
        let page = facilitator.wait_for_source(|s| s.contains("sa-indicator"));
        let first = page.find("<section class=\"sa-indicator\"").unwrap();
        assert!(
            page[first..].find(words.discuss) < page[first..].find("</section>"),
            "{context}: the split indicator comes first, flagged"
        );
        assert!(
            page.contains("Drafted, not adopted") && page.contains("Adopted in May"),
            "{context}: who said what"
        );
        facilitator.fits_and_is_labelled(&format!("{context}: the spread"));
        facilitator.script("document.querySelector('#c1-level').value = '2'; return true;");
        facilitator.type_into("#c1-rationale", "Drafted; the board has not voted");
        facilitator.click("#ind-1 button[type=submit]");
        let page = facilitator.wait_for_source(|s| s.contains(words.consensus));
        assert!(
            page.contains(words.consensus),
            "{context}: consensus recorded"
        );
        facilitator.click("form[action$='/close'] button[type=submit]");
        facilitator.wait_for_url(|u| u.ends_with("/results"));
        let page = facilitator.wait_for_source(|s| s.contains(words.profile));
        assert!(
            page.contains(words.profile) && page.contains(words.heat),
            "{context}: results"
        );
        facilitator.fits_and_is_labelled(&format!("{context}: the results"));

        // Follow-up work from the first indicator.
        facilitator.click("section[aria-labelledby=heat] a[href*='?work=']");
        facilitator.wait_for_url(|u| u.contains("?work="));
        facilitator.type_into("#work_title", &format!("Board vote {year}"));
        facilitator.type_into("#work_owner", "Ana Analyst");
        facilitator
            .script("document.querySelector('#work_due').value = '2027-03-31'; return true;");
        facilitator.click("form[action$='/work'] button[type=submit]");
        let page = facilitator.wait_for_source(|s| s.contains(&format!("Board vote {year}")));
        assert!(
            page.contains(&format!("Board vote {year}")),
            "{context}: the follow-up work is listed"
        );
        drop(facilitator);

        // The raters now read the results, and still not each other's notes.
        reviewer.goto(&format!("{home}/results"));
        let page = reviewer.wait_for_source(|s| s.contains(words.profile));
        assert!(
            page.contains(words.heat),
            "{context}: a rater reads the results"
        );
        assert!(
            !page.contains("Adopted in May"),
            "{context}: another rater's note"
        );
        reviewer.goto(&format!("{home}/spread"));
        let page = reviewer.wait_for_source(refused);
        assert!(refused(&page), "{context}: the spread is the facilitator's");
    }
}

/// Whether a page is the refusal a role gets, in either language.
fn refused(page: &str) -> bool {
    page.contains("<h1>You may not see or do this</h1>")
        || page.contains("<h1>No puede ver ni hacer esto</h1>")
}

#[test]
fn an_analyst_builds_a_goal_an_initiative_a_driver_diagram_and_a_pdsa_cycle_and_sees_a_signal_named(
) {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_app, app) = start_app(dir.path());
    let driver = Driver::start();
    let browser = driver.session();
    browser.window((1280, 900));
    browser.sign_in(&app, "analyst@riverbend.example", "en");
    let base = format!("{app}/d/999901/innovation");
    let open = |form: &str| {
        browser.click(&format!("details:has(form[action$='{form}']) > summary"));
    };

    // A universal goal.
    browser.goto(&format!("{base}/goals"));
    browser.wait_for_source(|s| s.contains("Set a universal goal"));
    browser.type_into("#goal_title", "Every student reads well by grade 3");
    let field = browser.find("#goal_target");
    browser.post(&format!("/element/{field}/clear"), json!({}));
    browser.type_into("#goal_target", "90");
    browser.type_into("#goal_deadline", "2028-2029");
    browser.click("form[action$='/goals'] button[type=submit]");
    let page = browser.wait_for_source(|s| {
        s.contains("<h2 id=\"goal-") && s.contains("Every student reads well by grade 3")
    });
    assert!(page.contains("90%"), "the goal and its target");
    browser.fits_and_is_labelled("the goals page");

    // An initiative from the year-one roadmap.
    browser.goto(&base);
    browser.wait_for_source(|s| s.contains("New initiative"));
    open("/initiatives");
    browser.type_into("#title", "Reading year one");
    browser.type_into("#owner", "Literacy office");
    browser.choose("#mode", "Explore");
    browser.click("#roadmap");
    browser.click("form[action$='/initiatives'] button[type=submit]");
    browser.wait_for_url(|u| u.contains("/innovation/initiatives/"));
    let page = browser.wait_for_source(|s| s.contains("Reading year one"));
    assert_eq!(
        page.matches("Roadmap step").count(),
        6,
        "six roadmap milestones"
    );
    browser.fits_and_is_labelled("the initiative");
    let initiative = browser.url();

    // A driver diagram: aim, primary and secondary drivers, a change idea.
    open("/drivers");
    browser.type_into("#aim_text", "Every third grader reads 20 minutes a day");
    browser.click("form[action$='/drivers'] button[type=submit]");
    browser.wait_for_url(|u| u.contains("/innovation/drivers/"));
    for text in [
        "Families have books at home",
        "A library card for every child",
        "Sign-up table at report-card night",
    ] {
        // The deepest node's form: the last "add under it" form on the page.
        browser.script(
            "const all = document.querySelectorAll('form[action$=\"/children\"]'); \
             all[all.length - 1].closest('details').open = true; return true;",
        );
        let input = browser.script(
            "const all = document.querySelectorAll('form[action$=\"/children\"] input[name=text]'); \
             return '#' + all[all.length - 1].id;",
        );
        let input = input.as_str().unwrap().to_string();
        browser.type_into(&input, text);
        browser.click(&format!("form:has({input}) button[type=submit]"));
        browser.wait_for_source(|s| s.contains(text));
    }
    let page = browser.source();
    assert!(
        page.contains("<svg") && page.contains("Change idea"),
        "the diagram is drawn"
    );
    browser.fits_and_is_labelled("the driver diagram");

    // A PDSA cycle on the change idea, studied and adopted.
    open("/pdsa");
    browser.click("form[action$='/pdsa'] button[type=submit]");
    browser.wait_for_url(|u| u.contains("/innovation/pdsa/"));
    browser.wait_for_source(|s| s.contains("The ramp of cycles"));
    browser.type_into("#question", "Do families sign up at the table?");
    browser.type_into("#prediction", "30 sign-ups in one evening");
    browser.type_into("#study_notes", "42 sign-ups: better than predicted");
    browser.choose("#act", "Adopt");
    browser.click("form[action*='/pdsa/'] button[type=submit]");
    let page = browser.wait_for_source(|s| s.contains("42 sign-ups: better than predicted"));
    assert!(page.contains("Adopt"), "the decision is kept");
    browser.fits_and_is_labelled("the PDSA cycle");

    // A measure for the initiative, with twenty weeks pasted in: the rise is named.
    browser.goto(&initiative);
    browser.wait_for_source(|s| s.contains("New measure"));
    open("/measures");
    browser.type_into("#measure_name", "Minutes read at home");
    browser.click("form[action$='/measures'] button[type=submit]");
    browser.wait_for_url(|u| u.contains("/innovation/measures/"));
    browser.wait_for_source(|s| s.contains("Import values from CSV"));
    open("/import");
    let mut csv = String::new();
    for week in 1..=20 {
        let value = if week <= 10 {
            20 + week % 3
        } else {
            35 + week % 3
        };
        csv.push_str(&format!("W{week:02},{value}\\n"));
    }
    browser.script(&format!(
        "document.querySelector('#csv').value = 'period,value\\n{csv}'; return true;"
    ));
    browser.click("form[action$='/import'] button[type=submit]");
    let page = browser.wait_for_source(|s| s.contains("10 points in a row above the median"));
    assert!(
        page.contains("10 points in a row above the median since W11: the change is real"),
        "the signal is named in words"
    );
    assert!(
        page.contains("class=\"dot signal\""),
        "and marked on the chart"
    );
    browser.fits_and_is_labelled("the measure");
    browser.window((390, 844));
    browser.goto(&browser.url());
    browser.wait_for_source(|s| s.contains("Run chart"));
    browser.fits_and_is_labelled("the measure on a phone");
}
