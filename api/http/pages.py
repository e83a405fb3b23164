"""Plain HTTP endpoints beside GraphQL: published keys, PDF download, verify pages.

The verification page is what a school clerk's phone opens when scanning the
QR code: no login, no app, mobile-sized, in Chinese. It calls the same
service as ``verifyCertificatePayload``. It says whether the certificate
covers all of the holder's holdings: a partial one shows "部分不动产，非名下全部"
and no count, and every page says which kinds a school or a purchase-limit
check may rely on (``api.certificates.wording``).
"""

from __future__ import annotations

import base64
import hashlib
import html
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from api.errors import PublicError
from api.http.client_address import client_ip
from api.services.certificates import issuing as certificates
from api.services.certificates import wording
from api.services.certificates.issuing import PURPOSES, Verification
from auth import tokens

SHANGHAI = ZoneInfo("Asia/Shanghai")
AUTHORITY = "佛山市不动产登记中心"
# Status: a short word, an icon and a sentence; colour only repeats what they say.
_STATUS = {
    "VALID": ("有效", "ok", "✓", f"本证明由{AUTHORITY}出具，电子签名完好，且在有效期内。"
              "以下为证明所载内容。"),
    "EXPIRED": ("已过有效期", "warn", "!", "本证明真实，但已超过有效期，不能再作为证明使用；"
                "请申请人重新开具。"),
    "SUPERSEDED": ("登记信息已更新", "warn", "!",
                   "本证明出具后，相关不动产的登记信息发生了变化（如新增抵押、查封或转移）。"
                   "证明如实反映出具时的情况，但已不是最新情况；如需最新情况，请申请人重新开具。"),
    "REVOKED": ("已作废", "bad", "✕", "本证明已被登记机构作废，不能作为证明使用。"),
    "NOT_FOUND": ("未找到", "bad", "✕", "证明编号或验证码不正确，请核对证明上的编号和验证码后重试。"),
    "INVALID_SIGNATURE": ("二维码签名无效", "bad", "✕",
                          "二维码内容未通过电子签名验证，可能被篡改或伪造，请勿采信。"
                          "可使用证明上的编号和验证码另行核验。"),
}
_CSS = """*{box-sizing:border-box}body{margin:0;background:#f2f3f5;color:#1f2328;
font:16px/1.6 -apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Noto Sans SC",
"Microsoft YaHei",sans-serif;-webkit-text-size-adjust:100%}
header{background:#c8161d;color:#fff;padding:12px 16px}header .org{font-size:17px;font-weight:600}
header .sub{font-size:13px;opacity:.9}main,footer{max-width:640px;margin:0 auto}main{padding:12px}
.card{background:#fff;border-radius:10px;padding:16px;margin-bottom:12px;
box-shadow:0 1px 2px rgba(0,0,0,.06)}
.status{display:flex;gap:14px;align-items:flex-start;border-top:6px solid}
.status .icon{flex:none;width:56px;height:56px;border-radius:50%;color:#fff;font-size:32px;
line-height:56px;text-align:center;font-weight:700}
.status h1{margin:0;font-size:26px;line-height:1.3}.status p{margin:6px 0 0;font-size:15px;
color:#424a53}.ok{border-color:#1a7f37}.ok .icon{background:#1a7f37}.ok h1{color:#1a7f37}
.warn{border-color:#9a6700}.warn .icon{background:#9a6700}.warn h1{color:#7d4e00}
.bad{border-color:#cf222e}.bad .icon{background:#cf222e}.bad h1{color:#b3141e}
h2{font-size:16px;margin:0 0 8px;color:#424a53}dl{margin:0}
.row{display:flex;gap:12px;padding:9px 0;border-bottom:1px solid #eef0f2}.row:last-child{border:0}
dt{flex:none;width:5.5em;color:#57606a}dd{margin:0;flex:1;min-width:0;overflow-wrap:anywhere;
font-weight:500}ol{margin:0;padding-left:1.4em}li{padding:8px 0;border-bottom:1px solid #eef0f2;
overflow-wrap:anywhere}li:last-child{border:0}li .meta{display:block;font-size:14px;color:#57606a}
.empty{color:#57606a;margin:0}.notice{border-left:6px solid #9a6700}.notice p{margin:0}
.notice strong{color:#7d4e00}form label{display:block;margin:0 0 14px;color:#424a53}
input{display:block;width:100%;margin-top:6px;font:inherit;font-size:18px;padding:10px 12px;
border:1px solid #c9ced4;border-radius:8px;background:#fff}
button{width:100%;font:inherit;font-size:18px;padding:12px;border:0;border-radius:8px;
background:#c8161d;color:#fff}a{color:#0a58ca}.hint{font-size:14px;color:#57606a;margin:0 0 14px}
footer{padding:4px 16px 24px;font-size:13px;color:#57606a}footer p{margin:0 0 6px}"""
# The pages carry no script at all; the one inline style block is allowed by its hash.
_CSP = ("default-src 'none'; style-src 'sha256-"
        + base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()
        + "'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_HEADERS = {"cache-control": "no-store", "referrer-policy": "no-referrer",
            "content-security-policy": _CSP, "x-content-type-options": "nosniff"}


async def jwks(request: Request) -> JSONResponse:
    return JSONResponse(tokens.public_jwks(request.app.state.fsreg.keyring),
                        headers={"cache-control": "public, max-age=300"})


async def certificate_pdf(request: Request) -> Response:
    found = await certificates.document_for_download(
        request.app.state.fsreg, request.path_params["certificate_id"],
        request.query_params.get("t", ""))
    if found is None:
        return Response("链接无效或已过期，请在“我的证明”中重新打开", status_code=404,
                        media_type="text/plain; charset=utf-8")
    cert, pdf = found
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'inline; filename="{cert.number}.pdf"',
        "cache-control": "private, no-store"})


def _client_key(request: Request) -> str:
    return f"ip:{client_ip(request)}"


def _local(value: str) -> str:
    return f"{datetime.fromisoformat(value).astimezone(SHANGHAI):%Y年%m月%d日 %H:%M}"


def _document(title: str, body: str, footer: str = "") -> str:
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta name="format-detection" content="telephone=no">
<title>{html.escape(title)} - {AUTHORITY}</title><style>{_CSS}</style></head><body>
<header><div class="org">{AUTHORITY}</div><div class="sub">不动产登记证明核验</div></header>
<main>{body}</main><footer>{footer}<p>本页由{AUTHORITY}核验系统生成，无需登录。</p></footer>
</body></html>"""


def _row(label: str, value: str) -> str:
    return f'<div class="row"><dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd></div>'


def _page(v: Verification) -> str:
    label, tone, mark, explanation = _STATUS[v.status]
    body = (f'<section class="card status {tone}" role="status"><div class="icon" '
            f'aria-hidden="true">{mark}</div><div><h1>{html.escape(label)}</h1>'
            f"<p>{html.escape(explanation)}</p></div></section>")
    if v.facts:
        f = v.facts
        rows = [("证明种类", wording.TITLES.get(f["kind"], f["kind"])),
                ("载明范围", wording.SCOPES.get(f["kind"], "")),
                ("证明编号", v.certificate.number if v.certificate else ""),
                ("权利人", f["holder"]), ("身份证号", f["idNumber"]),
                ("用途", PURPOSES.get(f["purpose"], f["purpose"])),
                ("出具机构", AUTHORITY),
                ("出具时间", _local(f["issuedAt"])), ("有效期至", _local(f["validUntil"]))]
        if not wording.covers_all(f["kind"]):
            body += (f'<section class="card notice" data-test="partial-notice"><p><strong>'
                     f"{html.escape(wording.PARTIAL_STATEMENT)}</strong>：本证明"
                     f"{html.escape(wording.PARTIAL_EXPLAINED)}，不能用于子女入学、购房资格（限购）"
                     "核查。</p></section>")
        body += ('<section class="card"><h2>证明内容</h2><dl>'
                 + "".join(_row(k, str(x)) for k, x in rows) + "</dl></section>")
        props = "".join(
            f"<li>{html.escape(p['address'])}<span class=\"meta\">{html.escape(p['titleNo'])} · "
            f"{html.escape(p['use'])} · 权利限制：{html.escape(p['restrictions'])}</span></li>"
            for p in f["properties"])
        # A selection states no count: "1 处" would read as the holder's total.
        heading = (f'不动产（{len(f["properties"])} 处）' if wording.covers_all(f["kind"])
                   else f"所选不动产（{wording.PARTIAL_STATEMENT}）")
        body += (f'<section class="card"><h2>{html.escape(heading)}</h2>'
                 + (f"<ol>{props}</ol>" if props else
                    '<p class="empty">佛山市不动产登记簿中无其登记记录</p>') + "</section>"
                 f'<section class="card"><p class="hint">{html.escape(wording.RELIANCE)}</p>'
                 "</section>")
    elif v.certificate is not None and v.certificate.revoked_reason:
        body += ('<section class="card"><dl>'
                 + _row("证明编号", v.certificate.number)
                 + _row("作废原因", v.certificate.revoked_reason) + "</dl></section>")
    checked = f"{v.checked_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"
    footer = (f"<p>核验时间：{checked}（北京时间）</p><p>二维码内容是{AUTHORITY}的电子签名声明，"
              "也可使用公布的公钥（/.well-known/jwks.json）离线验签。</p>"
              '<p><a href="/verify">按证明编号和验证码核验</a></p>')
    return _document(f"证明核验：{label}", body, footer)


def _busy(message: str) -> HTMLResponse:
    body = (f'<section class="card status warn" role="status"><div class="icon" '
            f'aria-hidden="true">!</div><div><h1>请稍后再试</h1><p>{html.escape(message)}</p>'
            "</div></section>")
    return HTMLResponse(_document("请稍后再试", body), status_code=429, headers=_HEADERS)


_FORM = _document("证明核验", """<section class="card"><h2>按证明编号和验证码核验</h2>
<p class="hint">编号和验证码印在证明上；扫描证明上的二维码可直接核验。</p>
<form method="get" action="/verify">
<label for="n">证明编号<input id="n" name="n" required autocomplete="off" autocapitalize="characters"
spellcheck="false" maxlength="40"></label>
<label for="c">验证码<input id="c" name="c" required autocomplete="off" autocapitalize="characters"
spellcheck="false" maxlength="40" placeholder="XXXX-XXXX-XXXX-XXXX"></label>
<button type="submit">核验</button></form></section>""")


async def verify_page(request: Request) -> HTMLResponse:
    state = request.app.state.fsreg
    try:
        v = await certificates.verify_statement(
            state, request.path_params["payload"], client_key=_client_key(request),
            verifier="扫码核验", channel="QR")
    except PublicError as exc:
        return _busy(exc.message)
    return HTMLResponse(_page(v), headers=_HEADERS)


async def verify_form(request: Request) -> HTMLResponse:
    number, code = request.query_params.get("n", ""), request.query_params.get("c", "")
    if not number or not code:
        return HTMLResponse(_FORM, headers=_HEADERS)
    state = request.app.state.fsreg
    try:
        v = await certificates.verify_by_code(
            state, number, code, client_key=_client_key(request), verifier="网页核验",
            channel="WEB")
    except PublicError as exc:
        return _busy(exc.message)
    return HTMLResponse(_page(v), headers=_HEADERS)
