#!/usr/bin/env python3
"""Drives the dashboard of a real `agentspanc server` in headless Chromium (selenium + Debian's chromium-driver).

Usage: dashboard_browser.py SCENARIO BASE_URL [ARG…]; screenshots go to $SCREENSHOTS, the key (if any) is
$API_KEY. Prints one line per check and exits non-zero on the first failed one, so the Swift test that runs it
(Tests/EndToEndTests/DashboardTests.swift) fails with the reason.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

SCENARIO, BASE = sys.argv[1], sys.argv[2].rstrip("/")
ARGS = sys.argv[3:]
SHOTS = os.environ.get("SCREENSHOTS", "/tmp/agentspanc-dashboard-screenshots")
KEY = os.environ.get("API_KEY", "")
WAIT = 60  # seconds: generous, the machine may be loaded


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print("ok:", message, flush=True)


def api(method, path, body=None, key=KEY):
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    if key:
        headers["Authorization"] = "Bearer " + key
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def start(agent, prompt):
    status, config = api("GET", "/api/agent/" + agent)
    check(status == 200, f"agent {agent} is deployed")
    status, started = api("POST", "/api/agent/start", {"agentConfig": config, "prompt": prompt})
    check(status == 200, f"started {agent}: {started}")
    return started["executionId"]


def workflow(execution_id):
    return api("GET", f"/api/workflow/{execution_id}?includeTasks=true")[1]


def wait_until(predicate, what, timeout=WAIT):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as error:  # the page may be re-rendering the element
            last = error
        time.sleep(0.1)
    raise CheckFailed(f"timed out waiting for {what} (last: {last})")


def browser(dark=False):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                     "--no-first-run", "--disable-extensions"]:
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(WAIT)
    if dark:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    return driver


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name + ".png")
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 2400)")
    driver.set_window_size(1400, max(900, height))
    driver.save_screenshot(path)
    driver.set_window_size(1400, 1000)
    print("screenshot:", path, flush=True)


def q(driver, css):
    return driver.find_elements(By.CSS_SELECTOR, css)


def row_status(driver, execution_id):
    rows = q(driver, f'#executions tr[data-id="{execution_id}"]')
    return rows[0].get_attribute("data-status") if rows else None


def header_status(driver):
    badges = q(driver, "#header h1 .badge")
    return badges[0].get_attribute("data-status") if badges else None


def tab(driver, name):
    driver.find_element(By.ID, "tab-" + name).click()


def no_console_errors(driver):
    try:
        logs = driver.get_log("browser")
    except Exception:
        return
    severe = [entry["message"] for entry in logs if entry.get("level") == "SEVERE" and "401" not in entry["message"]]
    check(not severe, f"no script errors in the console {severe}")


# ---------- scenarios ----------

def list_live(finished_id):
    driver = browser()
    try:
        driver.get(BASE + "/")
        wait_until(lambda: row_status(driver, finished_id) == "COMPLETED", "the finished run in the list")
        check(row_status(driver, finished_id) == "COMPLETED", "the list shows the finished run as COMPLETED")
        cells = q(driver, f'#executions tr[data-id="{finished_id}"] td')
        check(int(cells[6].text.replace(",", "")) > 0, "the finished run shows its token count")
        check("openai/gpt-4o" in cells[5].text, "the finished run shows its model")
        check("quick check: payments" in cells[7].text, "the finished run shows its prompt's first line")
        driver.execute_script("window.__notReloaded = true")
        new_id = start("quick_check", "quick check: billing")
        wait_until(lambda: row_status(driver, new_id) is not None, "the new run to appear")
        check(True, "the newly started run appears without a reload")
        wait_until(lambda: row_status(driver, new_id) == "COMPLETED", "the new run to turn COMPLETED")
        check(driver.execute_script("return window.__notReloaded === true"), "the page was never reloaded")
        check(row_status(driver, new_id) == "COMPLETED", "the new run turned COMPLETED live")
        shot(driver, "executions")
        # Filters live in the URL and are applied by the server, with totals.
        driver.find_element(By.ID, "f-q").send_keys("billing" + Keys.ENTER)
        wait_until(lambda: "q=billing" in driver.current_url, "the filter in the URL")
        wait_until(lambda: row_status(driver, finished_id) is None and row_status(driver, new_id) == "COMPLETED", "the filtered list")
        check(driver.find_element(By.ID, "total").get_attribute("data-total") == "1", "the total counts the filtered executions")
        driver.refresh()
        wait_until(lambda: row_status(driver, new_id) == "COMPLETED", "the filtered list after a reload")
        check(driver.find_element(By.ID, "f-q").get_attribute("value") == "billing", "the filter state survives a reload")
        no_console_errors(driver)
    finally:
        driver.quit()
    dark = browser(dark=True)
    try:
        dark.get(BASE + "/")
        wait_until(lambda: row_status(dark, finished_id) == "COMPLETED", "the list in dark mode")
        shot(dark, "executions-dark")
    finally:
        dark.quit()


def approval(decision, execution_id):
    driver = browser()
    try:
        driver.get(BASE + "/executions/" + execution_id)
        wait_until(lambda: q(driver, '#timeline li[data-type="tool_call"]'), "the first tool call on the timeline")
        check(not q(driver, '#timeline li[data-type="done"]'), "the first tool call shows while the run is not done")
        check(workflow(execution_id)["status"] == "RUNNING", "the execution is still running")
        wait_until(lambda: q(driver, "#approve"), "the approval form")
        check("restart_service" in driver.find_element(By.ID, "human").text, "the form names the tool waiting for approval")
        if decision == "approve":
            shot(driver, "execution-waiting")
            driver.find_element(By.ID, "approve").click()
        else:
            driver.find_element(By.ID, "reject-reason").send_keys("not during business hours")
            driver.find_element(By.ID, "reject").click()
        wait_until(lambda: header_status(driver) == "COMPLETED", "the run to complete after the answer")
        wait_until(lambda: q(driver, '#timeline li[data-type="done"]'), "the done event")
        tasks = workflow(execution_id)["tasks"]
        restarts = [t for t in tasks if (t.get("inputData") or {}).get("method") == "restart_service"]
        if decision == "approve":
            check(len(restarts) == 1 and restarts[0]["status"] == "COMPLETED", f"restart_service ran exactly once ({len(restarts)})")
            calls = [li for li in q(driver, '#timeline li[data-type="tool_call"]') if li.get_attribute("data-tool") == "restart_service"]
            check(len(calls) == 1, "the timeline shows the one restart_service call")
            shot(driver, "execution")
            tab(driver, "llm")
            check(len(q(driver, ".llm-call")) >= 5, "every LLM call listed")
            last = q(driver, ".llm-call")[-1]
            roles = [r.text.lower() for r in last.find_elements(By.CSS_SELECTOR, ".msg .role")]
            check(any(r.startswith("system") for r in roles) and any(r.startswith("user") for r in roles)
                  and any(r.startswith("tool") for r in roles), f"the last call's whole conversation is rendered ({roles})")
            shot(driver, "execution-llm")
            tab(driver, "tools")
            tools = q(driver, ".tool-call")
            check(len(tools) == 5, f"five tool calls listed ({len(tools)})")
            check("worker" in tools[0].text and "queue wait" in tools[0].text, "each tool call shows its worker and queue wait")
            shot(driver, "execution-tools")
            tab(driver, "graph")
            check(q(driver, "#graph .gnode.st-COMPLETED"), "the graph colours completed tasks")
            shot(driver, "execution-graph")
            tab(driver, "gantt")
            check(len(q(driver, "#gantt .track")) >= 10, "the Gantt chart has a bar per task")
            shot(driver, "execution-gantt")
        else:
            check(not restarts, "a rejected restart_service never runs")
            status = api("GET", f"/api/agent/{execution_id}/status")[1]
            check(status["output"].get("finishReason") == "rejected", "the run ends rejected")
            check(status["output"].get("rejectionReason") == "not during business hours", "with the reason typed on the page")
        no_console_errors(driver)
    finally:
        driver.quit()
    if decision == "approve":
        dark = browser(dark=True)
        try:
            dark.get(BASE + "/executions/" + execution_id)
            wait_until(lambda: q(dark, '#timeline li[data-type="done"]'), "the execution in dark mode")
            shot(dark, "execution-dark")
        finally:
            dark.quit()


def controls(execution_id):
    driver = browser()
    try:
        driver.get(BASE + "/executions/" + execution_id)
        wait_until(lambda: q(driver, "#approve"), "the approval form")
        q(driver, '[data-action="pause"]')[0].click()
        wait_until(lambda: header_status(driver) == "PAUSED", "the run to pause")
        check(workflow(execution_id)["status"] == "PAUSED", "Pause on the page paused the execution")
        q(driver, '[data-action="resume"]')[0].click()
        wait_until(lambda: header_status(driver) == "RUNNING", "the run to resume")
        check(workflow(execution_id)["status"] == "RUNNING", "Resume on the page resumed it")
        driver.find_element(By.ID, "signal-text").send_keys("Mind the database too." + Keys.ENTER)
        wait_until(lambda: workflow(execution_id)["variables"].get("_signal_injection") == "Mind the database too.", "the signal")
        check(True, "Signal on the page injected the message")
        driver.find_element(By.ID, "cancel-reason").send_keys("wrong incident")
        q(driver, '[data-action="cancel"]')[0].click()
        wait_until(lambda: header_status(driver) == "TERMINATED", "the run to be cancelled")
        banner = wait_until(lambda: q(driver, "#error-banner .banner"), "the error banner")[0]
        check("wrong incident" in banner.text, f"the banner gives the reason ({banner.text})")
        check(not q(driver, "#approve"), "a cancelled run asks nothing any more")
        shot(driver, "execution-cancelled")
        q(driver, '[data-action="retry-from-the-failed-task"]')[0].click()
        wait_until(lambda: header_status(driver) == "RUNNING", "the retried run")
        wait_until(lambda: q(driver, "#approve"), "the approval form again after the retry")
        check(not q(driver, "#error-banner .banner"), "the banner is gone once the run goes on")
        check(workflow(execution_id)["status"] == "RUNNING", "the retry resumed the execution, waiting for approval again")
        driver.find_element(By.ID, "approve").click()
        wait_until(lambda: header_status(driver) == "COMPLETED", "the retried run to complete after the approval")
        restarts = [t for t in workflow(execution_id)["tasks"] if (t.get("inputData") or {}).get("method") == "restart_service"]
        check(len(restarts) == 1 and restarts[0]["status"] == "COMPLETED",
              f"approving the retried run ran restart_service exactly once ({len(restarts)})")
        no_console_errors(driver)
    finally:
        driver.quit()


def failed_sub_agent(execution_id):
    driver = browser()
    try:
        driver.get(BASE + "/executions/" + execution_id)
        wait_until(lambda: header_status(driver) == "FAILED", "the failed run")
        banner = wait_until(lambda: q(driver, "#error-banner .banner"), "the error banner")[0]
        check("in sub-agent broken" in banner.text, f"the banner names the sub-agent that failed ({banner.text[:300]})")
        check("no conversation matches" in banner.text, "and the root cause, not only 'sub-workflow failed'")
        # broken's `model:` value (line 10, column 12 of failing_team.yaml) is where the failed model call comes from.
        located = [e.text for e in q(driver, "#error-banner .spec-location")]
        check(any("failing_team.yaml:10:12: error: " in t and "no conversation matches" in t and "(llm)" in t for t in located),
              f"the banner shows the failure at the spec line that caused it ({located})")
        shot(driver, "execution-failed")
        driver.find_element(By.ID, "jump-to-failure").click()
        wait_until(lambda: execution_id not in driver.current_url and "#task-" in driver.current_url, "the failed sub-agent's page")
        target = wait_until(lambda: q(driver, ".target"), "the failed step highlighted")[0]
        check(target.get_attribute("id") == "task-" + driver.current_url.split("#task-")[1], "the jump lands on the step that failed")
        check(q(driver, ".crumbs .crumb")[0].text == "failing_team", "with the breadcrumb back to the parent")
        no_console_errors(driver)
    finally:
        driver.quit()


def budget(execution_id):
    driver = browser()
    try:
        driver.get(BASE + "/executions/" + execution_id)
        wait_until(lambda: header_status(driver) == "COMPLETED", "the run the budget stopped")
        fact = wait_until(lambda: [f for f in q(driver, "#budget") if "tool calls" in f.text], "the budget fact")[0]
        check("tool calls 1 / 1" in fact.text, f"the spend against the tool-call limit ({fact.text})")
        check("tokens 240 / 100,000" in fact.text or "tokens 240 / 100000" in fact.text, f"and against the token limit ({fact.text})")
        wait_until(lambda: q(driver, "#finish") and q(driver, "#finish")[0].text == "BUDGET_EXHAUSTED", "the finish reason BUDGET_EXHAUSTED")
        event = wait_until(lambda: q(driver, "li.t-budget_exhausted"), "the budget event")[0]
        check("Budget exhausted" in event.text and "maxToolCalls of budget_probe (1 used of 1)" in event.text,
              f"the event says which limit and how much was used ({event.text[:200]})")
        effect = wait_until(lambda: q(driver, "li.t-tool_call .effect"), "the tool call's effect")[0]
        check(effect.text == "read", f"the tool call shows its effect ({effect.text})")
        shot(driver, "execution-budget")
        no_console_errors(driver)
    finally:
        driver.quit()


def manual(execution_id):
    driver = browser()
    try:
        driver.get(BASE + "/executions/" + execution_id)
        wait_until(lambda: q(driver, "#pick-agent"), "the agent picker")
        options = [o.get_attribute("value") for o in q(driver, "#pick-agent option")]
        check(options == ["writer", "editor"], f"the picker offers the allowed agents ({options})")
        shot(driver, "execution-manual")
        Select(driver.find_element(By.ID, "pick-agent")).select_by_value("editor")
        driver.find_element(By.CSS_SELECTOR, "#human button[type=submit]").click()
        wait_until(lambda: header_status(driver) == "COMPLETED", "the run to complete after the pick")
        result = workflow(execution_id)["output"].get("result", "")
        check("[editor]: Edited" in result and "[writer]" not in result, f"the agent picked on the page spoke next ({result!r})")
        # A sub-agent is reached and left by the breadcrumb.
        tab(driver, "agents")
        link = wait_until(lambda: q(driver, "#sub-agents .sub-agent-link"), "the sub-agent link")[0]
        check(link.text == "editor", f"the sub-agent is listed ({link.text})")
        link.click()
        wait_until(lambda: "/executions/" in driver.current_url and execution_id not in driver.current_url, "the sub-agent page")
        wait_until(lambda: q(driver, ".crumbs .crumb"), "the breadcrumb")
        crumb = q(driver, ".crumbs .crumb")[0]
        check(crumb.text == "editorial_board", f"the breadcrumb names the parent ({crumb.text})")
        check(q(driver, ".crumbs [aria-current=page]")[0].text == "editor", "the breadcrumb ends at the sub-agent")
        wait_until(lambda: header_status(driver) == "COMPLETED", "the sub-agent's header")
        shot(driver, "execution-subagent")
        crumb.click()
        wait_until(lambda: driver.current_url.endswith("/executions/" + execution_id), "back on the parent")
        check(True, "the breadcrumb leads back to the parent")
        no_console_errors(driver)
    finally:
        driver.quit()


def compare(a, b):
    driver = browser()
    try:
        driver.get(f"{BASE}/compare?a={a}&b={b}")
        wait_until(lambda: q(driver, "table.compare tr.pair"), "the aligned steps")
        pairs = q(driver, "table.compare tr.pair")
        check(len(pairs) == 3, f"both paths align as three steps ({len(pairs)})")
        marked = q(driver, '[data-field="arg"][data-differs="yes"]')
        names = sorted(m.get_attribute("data-arg") for m in marked)
        check(names == ["service_name", "service_name"], f"exactly the one differing argument is marked on both sides ({names})")
        rows_with_arg_diff = [p for p in pairs if p.find_elements(By.CSS_SELECTOR, '[data-field="arg"][data-differs="yes"]')]
        check(len(rows_with_arg_diff) == 1, "in exactly one step")
        shot(driver, "compare")
        no_console_errors(driver)
    finally:
        driver.quit()


def agents():
    driver = browser()
    try:
        driver.get(BASE + "/agents")
        wait_until(lambda: q(driver, 'tr[data-agent="quick_check"] a'), "the agent list")
        shot(driver, "agents")
        q(driver, 'tr[data-agent="quick_check"] a')[0].click()
        plan = wait_until(lambda: q(driver, "#plan pre"), "the agent's outline")[0]
        check("check_service" in plan.text, "the outline lists the tool")
        reach = driver.find_element(By.ID, "plan").text
        check("tool check_service (worker)" in reach and "openai/gpt-4o" in reach,
              "the outline names the tool, how it runs and the model")
        check("as its agentspanc worker registered it:" in plan.text
              and "runs: ../../../specs/tools/check_service.py {service_name}" in plan.text and "timeout 10s" in plan.text,
              f"the outline shows what the worker serving check_service runs ({plan.text})")
        check("../../../specs/tools/check_service.py" in reach, "the reach lists the worker's command")
        served = wait_until(lambda: q(driver, '#served li[data-tool="check_service"]'), "who serves the tool")[0].text
        check("polled by " in served, f"the workers polling check_service are named ({served})")
        shot(driver, "agent")
        driver.find_element(By.ID, "run-prompt").send_keys("quick check: payments")
        driver.find_element(By.ID, "run-agent").click()
        wait_until(lambda: "/executions/" in driver.current_url, "the new execution's page")
        wait_until(lambda: header_status(driver) == "COMPLETED", "the run started from the form to complete")
        check(True, "the run form lands on the new execution, which completes")
        no_console_errors(driver)
    finally:
        driver.quit()


def api_key(existing_id):
    status, _ = api("GET", "/api/agent/executions/search", key="")
    check(status == 401, "the search API refuses a request without the key")
    status, _ = api("GET", "/api/agent/events", key="")
    check(status == 401, "the live feed refuses a request without the key")
    driver = browser()
    try:
        driver.get(BASE + "/")
        wait_until(lambda: driver.find_element(By.ID, "login").get_attribute("open") is not None, "the key dialog")
        check(not q(driver, "#executions tr[data-id]"), "nothing loads without the key")
        shot(driver, "login")
        driver.find_element(By.ID, "login-key").send_keys("wrong-key" + Keys.ENTER)
        time.sleep(0.5)
        wait_until(lambda: driver.find_element(By.ID, "login").get_attribute("open") is not None, "the dialog again after a wrong key")
        check(not q(driver, "#executions tr[data-id]"), "a wrong key shows nothing")
        driver.find_element(By.ID, "login-key").send_keys(KEY + Keys.ENTER)
        wait_until(lambda: row_status(driver, existing_id) == "COMPLETED", "the list with the key")
        check(True, "with the key the list loads")
        new_id = start("quick_check", "quick check: billing")
        wait_until(lambda: row_status(driver, new_id) == "COMPLETED", "the live feed with the key")
        check(True, "the live feed works with the key (sent in a header)")
        q(driver, f'#executions tr[data-id="{new_id}"] a')[0].click()
        wait_until(lambda: q(driver, '#timeline li[data-type="done"]'), "the execution's event stream with the key")
        check(True, "the execution page and its event stream load with the key")
        stored = driver.execute_script("return sessionStorage.getItem('agentspanc.apiKey')")
        check(stored == KEY, "the key is kept in session storage")
    finally:
        driver.quit()


def many_tabs(finished_id):
    """Ten windows on one server, nine of them hidden (minimized, as a background tab is): hidden pages let go of
    their streams, so the browser's six connections per host never run out; a page shown again catches up."""
    driver = browser()
    try:
        driver.get(BASE + "/")
        wait_until(lambda: row_status(driver, finished_id) == "COMPLETED", "the list in the first window")
        first = driver.current_window_handle
        for _ in range(9):
            driver.minimize_window()
            driver.switch_to.new_window("window")
            driver.get(BASE + "/")
            wait_until(lambda: row_status(driver, finished_id) == "COMPLETED", "the list in a new window")
        check(len(driver.window_handles) == 10, "ten windows are open")
        wait_until(lambda: driver.find_element(By.ID, "live").text == "live", "the tenth window's live feed")
        new_id = start("quick_check", "quick check: billing")
        wait_until(lambda: row_status(driver, new_id) == "COMPLETED", "the new run, live in the tenth window")
        check(True, "the tenth window still gets live updates")
        driver.minimize_window()
        driver.switch_to.window(first)
        driver.maximize_window()
        wait_until(lambda: row_status(driver, new_id) == "COMPLETED", "the first window to catch up once shown")
        check(True, "the first window, shown again, shows the run started while it was hidden")
        later = start("quick_check", "quick check: payments")
        wait_until(lambda: row_status(driver, later) == "COMPLETED", "a run started now, live in the first window")
        check(True, "the first window is live again")
        no_console_errors(driver)
    finally:
        driver.quit()


def main():
    scenarios = {
        "list": lambda: list_live(ARGS[0]), "approve": lambda: approval("approve", ARGS[0]),
        "reject": lambda: approval("reject", ARGS[0]), "controls": lambda: controls(ARGS[0]),
        "failure": lambda: failed_sub_agent(ARGS[0]), "manual": lambda: manual(ARGS[0]), "compare": lambda: compare(ARGS[0], ARGS[1]), "agents": agents, "apikey": lambda: api_key(ARGS[0]),
        "tabs": lambda: many_tabs(ARGS[0]), "budget": lambda: budget(ARGS[0]),
    }
    try:
        scenarios[SCENARIO]()
    except CheckFailed as failure:
        print("FAILED:", failure, flush=True)
        sys.exit(1)
    print("PASSED", SCENARIO, flush=True)


if __name__ == "__main__":
    main()
