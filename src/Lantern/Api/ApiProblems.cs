using Lantern.Mailboxes;

namespace Lantern.Api;

/// <summary>Builds <c>application/problem+json</c> answers; every error of the HTTP API goes through here.</summary>
internal static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    private const string TypePrefix = "urn:lantern:problem:";

    public static IResult Result(int status, string slug, string title, string detail, IReadOnlyList<ApiItemError>? errors = null) =>
        Results.Json(Create(status, slug, title, detail, errors), ApiJsonContext.Default.ApiProblem, ContentType, status);

    public static ApiProblem Create(int status, string slug, string title, string detail, IReadOnlyList<ApiItemError>? errors = null) =>
        new(TypePrefix + slug, title, status, detail, null, errors, detail);

    public static Task WriteAsync(HttpContext context, int status, string slug, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsJsonAsync(
            Create(status, slug, title, detail), ApiJsonContext.Default.ApiProblem, ContentType, context.RequestAborted);
    }

    public static IResult BadRequest(string detail) => Result(StatusCodes.Status400BadRequest, "invalid-request", "Invalid request", detail);

    public static IResult InvalidId(string detail) => Result(StatusCodes.Status400BadRequest, "invalid-mailbox-id", "Invalid mailbox id", detail);

    public static IResult NotFound(MailboxId id) =>
        Result(StatusCodes.Status404NotFound, "mailbox-not-found", "Mailbox not found", $"mailbox {id} does not exist");

    /// <summary>Maps a refused write; <paramref name="invalidIsConflict"/> is true for relative updates (PATCH), where a bad result is a state conflict.</summary>
    public static IResult FromWrite(MailboxId id, MailboxWriteResult result, bool invalidIsConflict) => result.Status switch
    {
        MailboxWriteStatus.NotFound => NotFound(id),
        MailboxWriteStatus.OwnedByOther => Result(
            StatusCodes.Status409Conflict,
            "mailbox-owned-by-other-source",
            "Mailbox owned by another source",
            Detail(result, $"mailbox {id} is owned by {result.Mailbox?.Source.ToString() ?? "another source"}")),
        MailboxWriteStatus.VersionMismatch => Result(
            StatusCodes.Status412PreconditionFailed,
            "version-mismatch",
            "Version mismatch",
            Detail(result, $"mailbox {id} is at version {result.Mailbox?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, not the version given in If-Match")),
        MailboxWriteStatus.Invalid when invalidIsConflict => Result(
            StatusCodes.Status409Conflict, "invalid-counts", "Counts would become invalid", Detail(result, $"update of {id} would break a count rule")),
        MailboxWriteStatus.Invalid => Result(
            StatusCodes.Status400BadRequest, "invalid-counts", "Invalid counts", Detail(result, $"update of {id} would break a count rule")),
        MailboxWriteStatus.Unavailable => Result(
            StatusCodes.Status503ServiceUnavailable, "store-unavailable", "Store unavailable", Detail(result, "the store is unavailable; nothing was written")),
        _ => Result(StatusCodes.Status500InternalServerError, "internal-error", "Internal error", $"unexpected write status {result.Status}"),
    };

    private static string Detail(MailboxWriteResult result, string fallback) =>
        string.IsNullOrEmpty(result.Error) ? fallback : result.Error;
}
