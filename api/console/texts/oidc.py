"""The words of the sign-in at the OIDC provider (统一身份认证) and of its refusals."""

ZH = {
    "oidc.sign_in": "使用统一身份认证登录",
    "oidc.or_token": "或使用访问令牌登录",
    "oidc.provider_refused": "统一身份认证未完成登录（已取消或被身份提供方拒绝）。请返回登录页重试。",
    "oidc.flow_expired": "登录已超时或未从本工作台发起（超过 10 分钟，或浏览器未保存本站的 Cookie）。"
    "请返回登录页重新登录。",
    "oidc.state_refused": "登录回调与本浏览器发起的登录不符（state 校验未通过），未予受理。"
    "请返回登录页重新登录。",
    "oidc.code_refused": "身份提供方未接受本次登录的授权码。请返回登录页重新登录。",
    "oidc.not_this_sign_in": "身份提供方返回的身份令牌不属于本次登录（nonce 或受众不符），未予受理。",
    "oidc.unavailable": "暂时无法连接统一身份认证服务，请稍后再试。",
    "oidc.not_configured": "本系统未配置统一身份认证。",
    "oidc.signed_in": "已通过统一身份认证登录",
    "oidc.continue": "进入工作台",
}

EN = {
    "oidc.sign_in": "Sign in with single sign-on",
    "oidc.or_token": "Or sign in with an access token",
    "oidc.provider_refused": "Single sign-on did not sign you in (cancelled, or refused by the "
    "identity provider). Go back to the sign-in page and try again.",
    "oidc.flow_expired": "The sign-in has expired or was not started here (after 10 minutes, or "
    "the browser did not keep this site's cookie). Go back to the sign-in page and sign in again.",
    "oidc.state_refused": "The answer does not belong to a sign-in this browser started (state "
    "check failed) and was not accepted. Go back to the sign-in page and sign in again.",
    "oidc.code_refused": "The identity provider did not accept this sign-in's code. Go back to "
    "the sign-in page and sign in again.",
    "oidc.not_this_sign_in": "The identity provider's token was not issued for this sign-in "
    "(nonce or audience differ) and was not accepted.",
    "oidc.unavailable": "The single sign-on service cannot be reached now. Try again later.",
    "oidc.not_configured": "Single sign-on is not configured here.",
    "oidc.signed_in": "Signed in with single sign-on",
    "oidc.continue": "Go to the console",
}
