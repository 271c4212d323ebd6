using Lantern.Api;
using Lantern.Configuration;
using Lantern.Sip.Auth;
using Microsoft.Extensions.Options;

namespace Lantern.WebConsole;

/// <summary>The web console at <c>/</c>: its embedded files and its login, session and logout routes.</summary>
/// <remarks>Data comes from the same <c>/api/v1</c> routes scripts use, authenticated by the session cookie instead of Basic;
/// the cookie is <c>HttpOnly</c> and <c>SameSite=Strict</c>, and every write needs the session's CSRF token in a header.</remarks>
internal static class ConsoleEndpoints
{
    // The console loads only its own files and talks only to this server.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddLanternConsole(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleAssets>();
        return services;
    }

    public static WebApplication MapLanternConsole(this WebApplication app)
    {
        app.MapGet("/", (HttpContext context, ConsoleAssets assets) => Serve(context, assets, "index.html")).ExcludeFromDescription();
        app.MapGet("/console/{name}", (string name, HttpContext context, ConsoleAssets assets) => Serve(context, assets, name)).ExcludeFromDescription();
        app.MapPost("/console/login", LoginAsync).ExcludeFromDescription();
        app.MapGet("/console/session", Session).ExcludeFromDescription();
        app.MapPost("/console/logout", Logout).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext context, ConsoleAssets assets, string name)
    {
        if (assets.Find(name) is not { } asset)
        {
            return ApiProblems.Result(StatusCodes.Status404NotFound, "not-found", "Not found", $"the console has no file \"{name}\"");
        }

        Secure(context.Response);
        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, ConsoleSessions sessions, IOptionsMonitor<LanternOptions> options, CancellationToken cancellationToken)
    {
        Secure(context.Response);

        // A cross-site form can only post form or text bodies; requiring JSON keeps other sites from logging a browser in.
        if (!context.Request.HasJsonContentType())
        {
            return ApiProblems.Result(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "the login must be posted as application/json {\"user\": \"...\", \"password\": \"...\"}");
        }

        var current = options.CurrentValue;
        var address = context.Connection.RemoteIpAddress;
        var failures = current.Sip.AuthFailures.Http && address is not null ? context.RequestServices.GetService<AuthFailureTracker>() : null;
        if (failures?.IsBanned(address!) == true)
        {
            context.Response.Headers.RetryAfter = current.Sip.AuthFailures.BanSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiProblems.Result(StatusCodes.Status429TooManyRequests, "too-many-auth-failures", "Too Many Authentication Failures",
                "too many failed logins from this address (sip.authFailures); try again later");
        }

        var body = await ApiRequests.ReadJsonAsync(context.Request, ConsoleJsonContext.Default.ConsoleLoginRequest, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var login = body.Value!;
        if (string.IsNullOrEmpty(login.User) || string.IsNullOrEmpty(login.Password))
        {
            return ApiProblems.BadRequest("user and password are required");
        }

        if (ApiAuthenticationMiddleware.CheckUser(current.Http, login.User, login.Password) is not { } user)
        {
            failures?.RecordFailure(address!, null, out _);
            return ApiProblems.Result(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized", "the user name or password is wrong (http.users)");
        }

        var session = sessions.Create(user.Name, user.Write);
        context.Response.Cookies.Append(ConsoleSessions.CookieName, session.Id, Cookie(context.Request));
        return Results.Json(new ConsoleSessionDto(session.User, session.Write, session.CsrfToken), ConsoleJsonContext.Default.ConsoleSessionDto);
    }

    private static IResult Session(HttpContext context, ConsoleSessions sessions)
    {
        Secure(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        return sessions.Find(context.Request.Cookies[ConsoleSessions.CookieName]) is { } session
            ? Results.Json(new ConsoleSessionDto(session.User, session.Write, session.CsrfToken), ConsoleJsonContext.Default.ConsoleSessionDto)
            : ApiProblems.Result(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized", "not logged in to the console");
    }

    private static IResult Logout(HttpContext context, ConsoleSessions sessions)
    {
        Secure(context.Response);
        if (sessions.Find(context.Request.Cookies[ConsoleSessions.CookieName]) is { } session)
        {
            if (!ConsoleSessions.CsrfMatches(session, context.Request.Headers[ConsoleSessions.CsrfHeader].ToString()))
            {
                return ApiProblems.Result(StatusCodes.Status403Forbidden, "csrf-token-invalid", "Forbidden",
                    $"the {ConsoleSessions.CsrfHeader} header is missing or does not match the console session; still logged in");
            }

            sessions.Remove(session.Id);
        }

        context.Response.Cookies.Delete(ConsoleSessions.CookieName, Cookie(context.Request));
        return Results.NoContent();
    }

    private static CookieOptions Cookie(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        IsEssential = true,
    };

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
