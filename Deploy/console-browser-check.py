#!/usr/bin/env python3
"""Drives a running node's web console in headless Chromium with Selenium, as an operator would.

Logs in with the operator token, tabs through the channel tree from the top of the page (the skip
link first, then every link and button in order), looks up the customer whose name is a script tag
and checks that it shows as text and runs nothing, and saves a screenshot. Prints one line per
check and exits non-zero on the first failure. Used by ConsoleBrowserTests (Swift) and runnable
by hand:

    /usr/bin/python3 Deploy/console-browser-check.py --url http://127.0.0.1:PORT --token-file DIR/operator.token
"""
import argparse
import sys
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


def arrived(browser, suffix):
    """Whether a form's submission led to a URL ending in suffix. A click or Enter returns before the
    browser has followed the answer's redirect, so wait for it (long enough for a loaded machine)."""
    try:
        WebDriverWait(browser, 30).until(lambda page: page.current_url.endswith(suffix))
        return True
    except TimeoutException:
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--customer", default="<script>alert(1)</script>")
    parser.add_argument("--screenshot")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--driver", default="/usr/bin/chromedriver")
    arguments = parser.parse_args()
    token = open(arguments.token_file, encoding="utf-8").read().strip()

    options = webdriver.ChromeOptions()
    options.binary_location = arguments.chromium
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=360,800",
                 "--no-first-run", "--disable-extensions", "--disable-background-networking"]:
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(arguments.driver), options=options)
    browser.set_page_load_timeout(60)
    try:
        browser.get(arguments.url + "/console")
        if not browser.current_url.endswith("/console/login"):
            fail("without a session the console did not show the login form: " + browser.current_url)
        print("ok   redirected to the login form")
        field = browser.find_element(By.ID, "token")
        label = browser.find_element(By.CSS_SELECTOR, "label[for=token]")
        if label.text != "Operator token":
            fail("the token field's label reads " + repr(label.text))
        field.send_keys(token)
        field.send_keys(Keys.ENTER)
        if not arrived(browser, "/console"):
            fail("logging in did not lead to the channel tree: " + browser.current_url)
        if "token" in browser.current_url or token in browser.current_url:
            fail("the token appears in the URL")
        print("ok   logged in; the token is not in the URL")
        heading = browser.find_element(By.TAG_NAME, "h1").text
        if heading != "Channel tree":
            fail("the tree page's heading reads " + repr(heading))
        rows = browser.find_elements(By.CSS_SELECTOR, "table th[scope=row]")
        if not rows:
            fail("the quota table has no row headers")
        print("ok   channel tree with %d row headers" % len(rows))

        # Keyboard: from the top of the page, Tab reaches the skip link first, then the links and
        # buttons in document order.
        browser.refresh()  # focus back at the top of the document
        focusable = browser.find_elements(By.CSS_SELECTOR, "a[href], button, input:not([type=hidden]), [tabindex='0']")
        reached = []
        for _ in range(len(focusable) + 2):
            browser.switch_to.active_element.send_keys(Keys.TAB)
            active = browser.switch_to.active_element
            reached.append((active.tag_name, active.get_attribute("href") or active.text or active.get_attribute("aria-label") or ""))
        if not reached or not reached[0][1].endswith("#main"):
            fail("the first Tab stop is not the skip link: %r" % reached[:3])
        names = [name for _, name in reached]
        for path in ["/console/findings", "/console/activity", "/console/customer"]:
            if not any(name.endswith(path) for name in names):
                fail("Tab never reaches the link to " + path + ": %r" % names)
        if not any(tag == "button" for tag, _ in reached):
            fail("Tab never reaches the logout button")
        print("ok   Tab goes skip link first, then every page's link and the logout button (%d stops)" % len(reached))

        browser.get(arguments.url + "/console/customer?name=" + urllib.parse.quote(arguments.customer))
        try:
            alert = browser.switch_to.alert
            fail("a script ran: an alert says " + repr(alert.text))
        except NoAlertPresentException:
            pass
        heading = browser.find_element(By.TAG_NAME, "h2").text
        if arguments.customer not in heading:
            fail("the customer's name is not shown as text: " + repr(heading))
        if browser.find_elements(By.CSS_SELECTOR, "main script"):
            fail("the customer's name became a script element")
        print("ok   the customer " + arguments.customer + " is shown as text and nothing ran")
        if arguments.screenshot:
            browser.save_screenshot(arguments.screenshot)
            print("ok   screenshot in " + arguments.screenshot)

        browser.get(arguments.url + "/console")
        browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
        if not arrived(browser, "/console/login"):
            fail("logging out did not lead to the login form: " + browser.current_url)
        browser.get(arguments.url + "/console")
        if not browser.current_url.endswith("/console/login"):
            fail("after logout the console still shows pages")
        print("ok   logged out; the console asks for the token again")
    finally:
        browser.quit()
    print("every check held")


if __name__ == "__main__":
    main()
