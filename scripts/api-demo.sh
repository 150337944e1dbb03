#!/usr/bin/env bash
# The automation API end to end with nothing but curl (docs/API.md): sign up, mint an API token,
# create an orchestrator, send it a message, follow its Server-Sent Events to the run's end, then
# list agents, files and usage. Exits non-zero on any failure.
#
#   BASE=http://localhost:8787 scripts/api-demo.sh            # demo brain: plain text
#   SIM=1 scripts/api-demo.sh                                  # a scripted (```sim) run instead
set -euo pipefail

BASE=${BASE:-http://localhost:8787}
EMAIL=${EMAIL:-demo-$(date +%s)-$RANDOM@example.com}
PASSWORD=${PASSWORD:-correct horse battery staple}
TIMEOUT=${TIMEOUT:-180}

fail() { echo "✘ $*" >&2; exit 1; }
step() { printf '\n▶ %s\n' "$*"; }

# A JSON string literal for any text: backslashes, quotes and control characters escaped.
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

# The first "key":"string" value in a JSON document (ids and secrets are plain strings).
field() { grep -o "\"$1\":\"[^\"]*\"" | head -n1 | cut -d'"' -f4; }
# The first "key":number value.
number() { grep -oE "\"$1\":-?[0-9.e+-]+" | head -n1 | cut -d: -f2; }

# call METHOD PATH [JSON] — prints the body; fails on a non-2xx with the API's error message.
# Uses the bearer token once TOKEN is set, the session cookie (and Origin) before that.
call() {
  local method=$1 path=$2 body=${3:-} out status
  local args=(-sS -X "$method" -o /dev/stdout -w '\n%{http_code}' "$BASE$path")
  if [[ -n ${TOKEN:-} ]]; then
    args+=(-H "Authorization: Bearer $TOKEN")
  else
    # Cookie writes need a same-origin Origin (CSRF guard).
    args+=(-H "Origin: $BASE")
    [[ -n ${COOKIE:-} ]] && args+=(-H "Cookie: $COOKIE")
  fi
  [[ -n $body ]] && args+=(-H "Content-Type: application/json" --data-binary "$body")
  out=$(curl "${args[@]}") || fail "$method $path: could not reach $BASE"
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  if [[ $status != 2* ]]; then
    fail "$method $path → $status: $(printf '%s' "$out" | field message)"
  fi
  printf '%s' "$out"
}

step "health"
call GET /api/health; echo

step "sign up $EMAIL (cookie session; needs Origin)"
headers=$(mktemp)
trap 'rm -f "$headers"' EXIT
status=$(curl -sS -o /dev/null -D "$headers" -w '%{http_code}' -X POST "$BASE/api/auth/signup" \
  -H "Origin: $BASE" -H "Content-Type: application/json" \
  --data-binary "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}") || fail "sign-up: could not reach $BASE"
[[ $status == 201 ]] || fail "sign-up → $status"
# The __Host- cookie is Secure: curl replays it over plain http only to localhost, so carry it by
# hand and any BASE works.
COOKIE=$(grep -i '^set-cookie: __Host-baton_session=' "$headers" | head -n1 | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/' | tr -d '\r')
[[ -n $COOKIE ]] || fail "sign-up set no session cookie"
echo "signed in (session cookie received)"

step "create an API token (only a browser session may)"
created=$(call POST /api/tokens '{"name":"api-demo"}')
TOKEN=$(printf '%s' "$created" | field secret)
[[ $TOKEN == bat_* ]] || fail "no token secret in: $created"
echo "token ${TOKEN:0:12}… (shown once)"

step "who am I, with the token"
call GET /api/me; echo

step "create an orchestrator"
orch=$(call POST /api/orchestrators '{"name":"API demo","budgetUsd":2}')
ID=$(printf '%s' "$orch" | field id)
[[ $ID == orc_* ]] || fail "no orchestrator id in: $orch"
echo "orchestrator $ID"

if [[ -n ${SIM:-} ]]; then
  # A scripted run (DESIGN §6): a writer agent is created, writes a file, reports; the run waits for it.
  TEXT=$(cat <<'SCRIPT'
Scripted demo: one agent writes a note.
```sim
[{"text":"Creating a writer.","tools":[{"name":"create_agent","input":{"name":"writer","instructions":"You write notes."}}]},
 {"tools":[{"name":"command_agent","input":{"name":"writer","task":"Write the note.\n```sim\n[{\"tools\":[{\"name\":\"write_file\",\"input\":{\"path\":\"notes/demo.md\",\"content\":\"# Demo\\n\\nWritten over the API.\\n\"}}]},{\"tools\":[{\"name\":\"report\",\"input\":{\"result\":\"wrote notes/demo.md\"}}]}]\n```"}}]},
 {"tools":[{"name":"wait_for_agents","input":{"names":["writer"]}}]},
 {"text":"All done: the writer wrote notes/demo.md."}]
```
SCRIPT
)
else
  # No script: the simulator's demo brain creates a researcher and a writer and has them report.
  TEXT='Research the three largest moons of Jupiter and write a short report on each.'
fi

step "the stream's lastSeq before sending (so nothing is missed)"
LAST=$(call GET "/api/orchestrators/$ID/events?limit=1" | number lastSeq)
echo "lastSeq $LAST"

step "send a message"
sent=$(call POST "/api/orchestrators/$ID/messages" "{\"text\":$(json_string "$TEXT"),\"clientId\":\"demo-1\"}")
echo "$sent"
RUN=$(printf '%s' "$sent" | field runId)
[[ -n $RUN ]] || fail "the message was queued, not started: $sent"

step "follow SSE until $RUN ends"
# curl runs in the background so we can hang up the moment the run's terminal event arrives.
exec 3< <(curl -sS -N --max-time "$TIMEOUT" -H "Accept: text/event-stream" \
  -H "Authorization: Bearer $TOKEN" "$BASE/api/orchestrators/$ID/stream?after=$LAST")
CURL=$!
outcome=""
event=""
midline=""
declare -A NAMES=()
# One line of output, after ending a half-printed line of streamed text.
say() {
  [[ -n $midline ]] && echo
  midline=""
  printf '%s\n' "$*"
}
while IFS= read -r line <&3; do
  line=${line%$'\r'}
  case $line in
    "event: "*) event=${line#event: } ;;
    "data: "*)
      data=${line#data: }
      case $event in
        text.delta)
          # The delta's text, with the common escapes undone (good enough for a demo).
          printf '%s' "$(printf '%s' "$data" | sed -E 's/.*"text":"(([^"\\]|\\.)*)".*/\1/' | sed 's/\\n/\n/g; s/\\"/"/g')"
          midline=1
          ;;
        tool.called) say "  ⚙ $(printf '%s' "$data" | field name)" ;;
        agent.created)
          NAMES[$(printf '%s' "$data" | field id)]=$(printf '%s' "$data" | field name)
          say "  + agent $(printf '%s' "$data" | field name)"
          ;;
        agent.status)
          agent=$(printf '%s' "$data" | field agentId)
          say "  • ${NAMES[$agent]:-$agent}: $(printf '%s' "$data" | field status)"
          ;;
        file.changed) say "  ✎ $(printf '%s' "$data" | field path) (by $(printf '%s' "$data" | field by))" ;;
        run.completed | run.failed | run.interrupted)
          if [[ $(printf '%s' "$data" | field runId) == "$RUN" ]]; then
            outcome=$event
            say ""
            say "$event: $data"
            break
          fi
          ;;
      esac
      ;;
  esac
done
kill "$CURL" 2>/dev/null || true
exec 3<&-
[[ -n $outcome ]] || fail "the stream ended before $RUN did (timeout ${TIMEOUT}s?)"
[[ $outcome == run.completed ]] || fail "the run ended with $outcome"

step "agents"
call GET "/api/orchestrators/$ID/agents" | grep -oE '"name":"[^"]*"|"status":"[^"]*"|"costUsd":[0-9.e-]+' | paste -sd' ' -

step "files"
files=$(call GET "/api/orchestrators/$ID/files")
echo "$files"
first=$(printf '%s' "$files" | field path)
if [[ -n $first ]]; then
  step "read $first"
  call GET "/api/orchestrators/$ID/files/$first?raw=1" | head -n 12
  echo
fi

step "usage by model"
call GET "/api/usage?groupBy=model"; echo

step "usage by orchestrator"
call GET "/api/usage?groupBy=orchestrator"; echo

printf '\n✔ demo complete: orchestrator %s, run %s\n' "$ID" "$RUN"
