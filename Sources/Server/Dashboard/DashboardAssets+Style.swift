extension DashboardAssets {
    /// The dashboard's style sheet (`/dashboard/app.css`), light and dark.
    static let style = ##"""
:root {
  color-scheme: light dark;
  --bg: #f7f8fa; --panel: #ffffff; --text: #1b1f24; --muted: #5b6470; --line: #d9dde3; --accent: #2457c5;
  --accent-text: #ffffff; --code: #f0f2f5; --focus: #f59e0b;
  --ok: #137333; --ok-bg: #e6f4ea; --bad: #b3261e; --bad-bg: #fce8e6; --run: #1a56b8; --run-bg: #e3ecfb;
  --wait: #8a5a00; --wait-bg: #fff4d6; --gray-bg: #eceff3; --diff-bg: #fff0b3; --diff-text: #5c4400;
  --user: #e8f0fe; --assistant: #f1f3f4; --tool: #eef7ee; --system: #fdf6e3;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 15px; line-height: 1.45;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111418; --panel: #1a1e24; --text: #e6e9ed; --muted: #a0a8b3; --line: #333a44; --accent: #7aa2ff;
    --accent-text: #0b1020; --code: #242a32; --focus: #fbbf24;
    --ok: #7ddc93; --ok-bg: #173a22; --bad: #ff8f86; --bad-bg: #441c1a; --run: #9cc0ff; --run-bg: #1c2d4d;
    --wait: #ffd479; --wait-bg: #3d3015; --gray-bg: #2a3039; --diff-bg: #5a4a00; --diff-text: #fff3c4;
    --user: #1f2d45; --assistant: #262b33; --tool: #1c3324; --system: #3a3420;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; }
.skip:focus { left: 8px; top: 8px; background: var(--panel); padding: 6px 10px; z-index: 10; }
.top { display: flex; align-items: center; gap: 20px; padding: 10px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; color: var(--text); }
.top nav { display: flex; gap: 4px; }
.top nav a { padding: 6px 12px; border-radius: 6px; text-decoration: none; color: var(--text); }
.top nav a[aria-current="page"] { background: var(--accent); color: var(--accent-text); }
.live { margin-left: auto; font-size: .85rem; color: var(--muted); }
.live.on::before { content: "●"; color: var(--ok); margin-right: 5px; }
main { padding: 18px 20px 60px; max-width: 1400px; margin: 0 auto; outline: none; }
h1 { font-size: 1.4rem; margin: 4px 0 12px; }
h2 { font-size: 1.1rem; margin: 18px 0 8px; }
h3 { font-size: 1rem; margin: 10px 0 6px; }
.muted { color: var(--muted); }
.error-text { color: var(--bad); }
.spec-location code { color: var(--bad); white-space: pre-wrap; word-break: break-all; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin-bottom: 14px; }
.row { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; }
label { display: block; font-size: .82rem; color: var(--muted); margin-bottom: 3px; }
input, select, textarea, button { font: inherit; color: var(--text); }
input, select, textarea { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; }
textarea { width: 100%; min-height: 70px; }
button { background: var(--gray-bg); border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; cursor: pointer; }
button:hover { filter: brightness(0.96); }
button.primary { background: var(--accent); color: var(--accent-text); border-color: var(--accent); }
button.danger { background: var(--bad-bg); color: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .5; cursor: default; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; margin: 0; }
fieldset legend { font-size: .82rem; color: var(--muted); }
fieldset label { display: inline-flex; align-items: center; gap: 3px; margin: 0 6px 0 0; color: var(--text); font-size: .85rem; }
.check { display: inline-flex; align-items: center; gap: 6px; color: var(--text); font-size: .9rem; }
table { width: 100%; border-collapse: collapse; background: var(--panel); }
th, td { text-align: left; padding: 7px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.fresh { animation: fresh 1.5s ease-out; }
@keyframes fresh { from { background: var(--run-bg); } to { background: transparent; } }
.prompt { max-width: 420px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: .78rem; font-weight: 600; background: var(--gray-bg); color: var(--text); white-space: nowrap; }
.s-COMPLETED { background: var(--ok-bg); color: var(--ok); }
.s-FAILED, .s-TIMED_OUT, .s-FAILED_WITH_TERMINAL_ERROR, .s-TERMINATED, .s-CANCELED { background: var(--bad-bg); color: var(--bad); }
.s-RUNNING, .s-IN_PROGRESS, .s-SCHEDULED { background: var(--run-bg); color: var(--run); }
.s-PAUSED, .s-WAITING { background: var(--wait-bg); color: var(--wait); }
.pager { display: flex; gap: 10px; align-items: center; margin-top: 10px; }
.crumbs { font-size: .9rem; margin-bottom: 6px; }
.crumbs a, .crumbs span { margin-right: 4px; }
.crumbs .sep { color: var(--muted); }
.facts { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.facts div { min-width: 90px; }
.facts dt { font-size: .78rem; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.banner { border: 1px solid var(--bad); background: var(--bad-bg); color: var(--bad); border-radius: 8px; padding: 10px 14px; margin-bottom: 14px; }
.banner a, .banner button { color: var(--bad); }
.human { border: 2px solid var(--wait); background: var(--wait-bg); border-radius: 8px; padding: 12px 14px; margin-bottom: 14px; }
.human h2 { margin-top: 0; color: var(--wait); }
.tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--line); margin: 10px 0 12px; flex-wrap: wrap; }
.tabs button { border: none; border-bottom: 3px solid transparent; border-radius: 0; background: none; padding: 8px 14px; }
.tabs button[aria-selected="true"] { border-bottom-color: var(--accent); font-weight: 600; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .84rem; }
pre { background: var(--code); padding: 8px 10px; border-radius: 6px; overflow: auto; max-height: 420px; margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
.timeline { list-style: none; margin: 0; padding: 0; }
.timeline li { border-left: 3px solid var(--line); padding: 6px 12px 8px; margin-left: 6px; position: relative; }
.timeline li::before { content: ""; position: absolute; left: -8px; top: 11px; width: 11px; height: 11px; border-radius: 50%; background: var(--line); border: 2px solid var(--panel); }
.timeline li.t-tool_call::before, .timeline li.t-tool_result::before { background: var(--ok); }
.timeline li.t-thinking::before { background: var(--accent); }
.timeline li.t-error::before, .timeline li.t-guardrail_fail::before { background: var(--bad); }
.timeline li.t-waiting::before { background: var(--wait); }
.timeline li.t-done::before { background: var(--ok); width: 13px; height: 13px; }
.ev-head { display: flex; gap: 10px; align-items: baseline; }
.ev-kind { font-weight: 600; }
.effect { font-size: .78rem; padding: 0 6px; border-radius: 8px; border: 1px solid var(--line); color: var(--muted); }
.ev-time { font-size: .78rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.ev-body { white-space: pre-wrap; }
.chat { display: flex; flex-direction: column; gap: 6px; margin: 6px 0; }
.msg { border-radius: 8px; padding: 6px 10px; max-width: 92%; border: 1px solid var(--line); }
.msg .role { font-size: .72rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 700; }
.msg .text { white-space: pre-wrap; word-break: break-word; }
.msg.system { background: var(--system); }
.msg.user { background: var(--user); align-self: flex-end; }
.msg.assistant, .msg.tool_call { background: var(--assistant); }
.msg.tool { background: var(--tool); }
.msg.answer { border: 2px solid var(--accent); background: var(--assistant); }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin-bottom: 10px; background: var(--panel); }
.card-head { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: baseline; }
.card-head strong { font-size: 1rem; }
details > summary { cursor: pointer; color: var(--accent); margin: 4px 0; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: .9rem; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; }
.graph { display: flex; flex-direction: column; align-items: center; gap: 0; }
.gnode { border: 2px solid var(--line); border-radius: 8px; padding: 5px 10px; background: var(--panel); min-width: 160px; text-align: center; font-size: .85rem; position: relative; margin: 14px 0 0; }
.gnode .gtype { display: block; font-size: .7rem; color: var(--muted); }
.gnode::before { content: ""; position: absolute; top: -16px; left: 50%; border-left: 2px solid var(--line); height: 14px; }
.graph > .gnode:first-child::before, .graph > .gbox:first-child::before { display: none; }
.gnode.st-COMPLETED { border-color: var(--ok); background: var(--ok-bg); }
.gnode.st-FAILED, .gnode.st-TIMED_OUT, .gnode.st-FAILED_WITH_TERMINAL_ERROR, .gnode.st-CANCELED { border-color: var(--bad); background: var(--bad-bg); }
.gnode.st-IN_PROGRESS, .gnode.st-SCHEDULED { border-color: var(--run); background: var(--run-bg); }
.gnode.st-SKIPPED { border-style: dashed; }
.gbox { border: 1px dashed var(--line); border-radius: 10px; padding: 4px 10px 10px; margin-top: 14px; display: flex; flex-direction: column; align-items: center; position: relative; }
.gbox > .glabel { font-size: .72rem; color: var(--muted); align-self: flex-start; }
.gbranches { display: flex; gap: 14px; align-items: flex-start; }
.gbranch { display: flex; flex-direction: column; align-items: center; border-top: 2px solid var(--line); padding-top: 2px; }
.gbranch > .glabel { font-size: .72rem; color: var(--muted); }
.gantt { display: grid; grid-template-columns: minmax(160px, 260px) 1fr; gap: 3px 10px; font-size: .82rem; }
.gantt .glabel { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.gantt .track { position: relative; height: 18px; background: var(--gray-bg); border-radius: 3px; }
.gantt .bar { position: absolute; top: 2px; height: 14px; border-radius: 3px; background: var(--ok); min-width: 2px; }
.gantt .bar.queue { background: var(--line); }
.gantt .bar.run-IN_PROGRESS, .gantt .bar.run-SCHEDULED { background: var(--run); }
.gantt .bar.run-FAILED, .gantt .bar.run-TIMED_OUT, .gantt .bar.run-FAILED_WITH_TERMINAL_ERROR, .gantt .bar.run-CANCELED { background: var(--bad); }
.gantt .target, .card.target { outline: 3px solid var(--focus); }
.compare { table-layout: fixed; }
.compare td { width: 50%; }
.compare th { text-transform: none; letter-spacing: 0; font-size: .95rem; color: var(--text); font-weight: 400; }
.step-kind { font-size: .72rem; text-transform: uppercase; color: var(--muted); font-weight: 700; margin-right: 6px; }
.diff { background: var(--diff-bg); color: var(--diff-text); border-radius: 3px; padding: 0 3px; }
.missing { color: var(--muted); font-style: italic; }
.args span { display: inline-block; margin-right: 8px; }
.toast { position: fixed; bottom: 16px; right: 16px; background: var(--panel); border: 1px solid var(--line); padding: 10px 14px; border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,.2); max-width: 420px; }
.toast.bad { border-color: var(--bad); color: var(--bad); }
dialog { border: 1px solid var(--line); border-radius: 10px; background: var(--panel); color: var(--text); max-width: 420px; }
dialog::backdrop { background: rgba(0,0,0,.45); }
dialog input { width: 100%; margin-bottom: 10px; }
.outline { white-space: pre; }
.served { list-style: none; padding: 0; margin: 0; }
.served li { padding: .4rem 0; border-top: 1px solid var(--line); }
@media (max-width: 760px) { .prompt { max-width: 160px; } .gantt { grid-template-columns: 120px 1fr; } }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
"""##
}
