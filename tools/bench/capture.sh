#!/bin/bash
# capture.sh URL LOG OUT: places one order of ITEMS lines (default 1) through the API of the server at
# URL (a consumer signs up and verifies an identity first, outside the capture) and
# cuts LOG — the PostgreSQL log with log_statement = 'all' on the server's database,
# or the server's own log with GATEWAY_LOG=warn,sqlx::query=debug — into the
# statements of each request: OUT.cart.log (POST /api/v1/carts), OUT.items.log (the
# PUT …/items/…) and OUT.checkout.log (POST /api/v1/checkout), and OUT.response.json.
# The load merchant's products must exist (run gateway-load once first).
set -euo pipefail
H=$1; LOG=$2; OUT=$3
json() { python3 -c "import sys,json;d=json.load(sys.stdin);print($1)"; }
post() { curl -sf -X "$1" "$H$2" -H 'content-type: application/json' ${TOK:+-H "authorization: Bearer $TOK"} "${@:3}"; }
TOK=
MTOK=$(post POST /api/v1/auth/login -d '{"email":"load-merchant@load.gateway.test","password":"load-merchant-password"}' | json 'd["token"]')
MID=$(curl -sf "$H/api/v1/me/merchant" -H "authorization: Bearer $MTOK" | json 'd["id"]')
mapfile -t P < <(curl -sf "$H/api/v1/merchants/$MID/products?limit=${ITEMS:-1}" | json '"\n".join(p["id"] for p in d["items"])')
E="capture-$RANDOM$RANDOM@load.gateway.test"
TOK=$(post POST /api/v1/auth/signup -d "{\"email\":\"$E\",\"password\":\"capture-password\",\"role\":\"consumer\"}" | json 'd["token"]')
ID=$(python3 -c "
import random
w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
f='%06d%04d%02d%02d%03d'%(random.randrange(110000,660000),random.randrange(1960,2000),random.randrange(1,13),random.randrange(1,29),random.randrange(1000))
print(f+'10X98765432'[sum(int(c)*x for c,x in zip(f,w))%11])")
post PUT /api/v1/me/identity -d "{\"real_name\":\"张三\",\"id_number\":\"$ID\",\"phone\":\"13800138000\"}" >/dev/null
# One quote before the capture: the server then holds the FX rate, tax classes and
# freight tariff in its copy (gateway_app::reference), as it does under load.
WARM=$(post POST /api/v1/carts | json 'd["id"]')
post PUT "/api/v1/carts/$WARM/items/${P[0]}" -d '{"quantity":1}' >/dev/null
post GET "/api/v1/carts/$WARM/quote" >/dev/null
size() { stat -c %s "$LOG"; }
slice() { python3 -c "import sys;f=open('$LOG','rb');f.seek($1);sys.stdout.buffer.write(f.read($2-$1))"; }
sleep 1
S0=$(size)
CART=$(post POST /api/v1/carts | json 'd["id"]')
sleep 0.3; S1=$(size)
for p in "${P[@]}"; do post PUT "/api/v1/carts/$CART/items/$p" -d '{"quantity":1}' >/dev/null; done
sleep 0.3; S2=$(size)
post POST /api/v1/checkout -H "Idempotency-Key: capture-$RANDOM$RANDOM" -d "{\"cart_id\":\"$CART\",\"address\":{\"recipient\":\"张三\",\"phone\":\"13800138000\",\"province\":\"上海市\",\"city\":\"上海市\",\"district\":\"浦东新区\",\"street\":\"世纪大道100号\",\"postal_code\":\"200120\"}}" > "$OUT.response.json"
sleep 0.5; S3=$(size)
slice "$S0" "$S1" > "$OUT.cart.log"
slice "$S1" "$S2" > "$OUT.items.log"
slice "$S2" "$S3" > "$OUT.checkout.log"
wc -l "$OUT".*.log
