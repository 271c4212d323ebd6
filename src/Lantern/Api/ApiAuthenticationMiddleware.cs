using System.Security.Cryptography;
using System.Text;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Auth;
using Microsoft.Extensions.Options;

namespace Lantern.Api;

/// <summary>HTTP Basic against <c>http.users</c> or <c>Bearer</c> against <c>http.apiKeys</c>; everything but probes and API documents needs it.</summary>
internal sealed class ApiAuthenticationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<LanternOptions> _options;
    private readonly ILogger<ApiAuthenticationMiddleware> _logger;
    private readonly AuthFailureTracker? _failures;

    /// <param name="failures">The fail2ban tracker shared with SIP and AMI; without one, failures are neither counted nor refused.</param>
    public ApiAuthenticationMiddleware(RequestDelegate next, IOptionsMonitor<LanternOptions> options, ILogger<ApiAuthenticationMiddleware> logger, AuthFailureTracker? failures = null)
    {
        _next = next;
        _options = options;
        _logger = logger;
        _failures = failures;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (IsPublic(context.Request.Path))
        {
            return _next(context);
        }

        var options = _options.CurrentValue;
        var address = context.Connection.RemoteIpAddress;
        var failures = options.Sip.AuthFailures.Http && address is not null ? _failures : null;
        if (failures?.IsBanned(address!) == true)
        {
            // Refused before the credentials are looked at, so a banned client learns nothing from further guesses.
            context.Response.Headers.RetryAfter = options.Sip.AuthFailures.BanSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "too-many-auth-failures", "Too Many Authentication Failures",
                "too many failed logins from this address (sip.authFailures); try again later");
        }

        if (context.Request.Headers.Authorization.Count == 0
            && context.Request.Cookies.TryGetValue(ConsoleSessions.CookieName, out var sessionId)
            && context.RequestServices.GetService<ConsoleSessions>()?.Find(sessionId) is { } session)
        {
            return ConsoleRequest(context, session);
        }

        if (TryAuthorize(context.Request, options.Http, out var user, out var write))
        {
            if (!write && !IsRead(context.Request.Method))
            {
                return ReadOnly(context, user);
            }

            context.RequestServices.GetService<MailboxActorContext>()?.Set(ActorOf(context.Request, user));
            return _next(context);
        }

        var missing = context.Request.Headers.Authorization.Count == 0;
        var inWindow = 1;
        if (!missing)
        {
            failures?.RecordFailure(address!, null, out inWindow);
        }

        if (!missing && inWindow == 1)
        {
            // The first failure of a window is logged; the ban, if it comes, is logged by the tracker.
            ApiLog.AuthenticationFailed(_logger, context.Request.Method, context.Request.Path, address?.ToString());
        }

        // The console's own requests get no Basic challenge: the browser would open its password dialog over the login page.
        if (context.Request.Headers[ConsoleSessions.ConsoleHeader].Count == 0)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"lantern\"";
        }

        var detail = missing
            ? "credentials are required: HTTP Basic (an http.users entry) or Authorization: Bearer <api key>"
            : "the credentials given are not valid";
        return ApiProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized", detail);
    }

    /// <summary>A request of the web console, authenticated by its session cookie: every write must carry the session's
    /// CSRF token (a cross-site page can make the browser send the cookie, but cannot read the token).</summary>
    private Task ConsoleRequest(HttpContext context, ConsoleSession session)
    {
        if (!IsRead(context.Request.Method))
        {
            if (!ConsoleSessions.CsrfMatches(session, context.Request.Headers[ConsoleSessions.CsrfHeader].ToString()))
            {
                return ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "csrf-token-invalid", "Forbidden",
                    $"the {ConsoleSessions.CsrfHeader} header is missing or does not match the console session; nothing was changed (reload the console)");
            }

            if (!session.Write)
            {
                return ReadOnly(context, session.User);
            }
        }

        context.RequestServices.GetService<MailboxActorContext>()?.Set("console:" + session.User);
        return _next(context);
    }

    private static Task ReadOnly(HttpContext context, string user) =>
        ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "read-only-user", "Forbidden",
            $"user {user} is read-only (http.users write: false); nothing was changed");

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    /// <summary>Liveness/readiness probes, the (data-free) API descriptions and the console's own files and login need no credentials.</summary>
    internal static bool IsPublic(PathString path) =>
        path.Equals("/", StringComparison.Ordinal)
        || path.StartsWithSegments("/console", StringComparison.Ordinal)
        || path.Equals("/healthz", StringComparison.Ordinal)
        || path.Equals("/readyz", StringComparison.Ordinal)
        || path.StartsWithSegments("/openapi", StringComparison.Ordinal)
        || path.StartsWithSegments("/ari/api-docs", StringComparison.Ordinal);

    /// <summary>The mailbox-history actor of an authenticated request: <c>cli:USER</c> from the <c>lantern</c> CLI, else <c>api:USER</c>.</summary>
    internal static string ActorOf(HttpRequest request, string user) =>
        (request.Headers.UserAgent.ToString().StartsWith(CliUserAgent, StringComparison.Ordinal) ? "cli:" : "api:") + user;

    /// <summary>The User-Agent product the CLI sends, so its writes are recorded as <c>cli:USER</c>.</summary>
    internal const string CliUserAgent = "lantern-cli";

    /// <param name="user">The Basic user name, or <c>key#N</c> (1-based position in <c>http.apiKeys</c>, never the key) for a bearer key.</param>
    /// <param name="write">False for an <c>http.users</c> entry with <c>write: false</c>; API keys may always write.</param>
    internal static bool TryAuthorize(HttpRequest request, HttpOptions http, out string user, out bool write)
    {
        write = true;
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryDecodeBasic(header.AsSpan(6).Trim(), out user, out var password))
            {
                return false;
            }

            var found = CheckUser(http, user, password);
            write = found?.Write ?? false;
            return found is not null;
        }

        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var index = CheckKey(http, header.AsSpan(7).Trim().ToString());
            user = "key#" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return index > 0;
        }

        user = string.Empty;

        // Asterisk's ?api_key=user:password is deliberately not accepted: request logs record query strings.
        return false;
    }

    private static bool TryDecodeBasic(ReadOnlySpan<char> encoded, out string user, out string password)
    {
        user = password = string.Empty;
        if (encoded.Length == 0 || encoded.Length > 4096)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(buffer[..written]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    /// <summary>The matching <c>http.users</c> entry, or null; also used by the console's login.</summary>
    internal static HttpUserOptions? CheckUser(HttpOptions http, string user, string password)
    {
        // Every entry is compared, in constant time over fixed-size digests, so timing reveals neither names nor lengths.
        HttpUserOptions? found = null;
        foreach (var u in http.Users)
        {
            var match = FixedTimeEquals(u.Name, user) & FixedTimeEquals(u.Password, password) & u.Password.Length > 0;
            found = match && found is null ? u : found;
        }

        return found;
    }

    /// <summary>The 1-based position of the matching key, 0 when none matches; every key is compared.</summary>
    private static int CheckKey(HttpOptions http, string key)
    {
        var found = 0;
        for (var i = 0; i < http.ApiKeys.Count; i++)
        {
            var k = http.ApiKeys[i];
            var match = FixedTimeEquals(k, key) & k.Length > 0;
            found = match && found == 0 ? i + 1 : found;
        }

        return found;
    }

    private static bool FixedTimeEquals(string expected, string actual)
    {
        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(actual), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
