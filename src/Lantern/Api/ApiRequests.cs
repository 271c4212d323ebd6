using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lantern.Mailboxes;

namespace Lantern.Api;

/// <summary>Strict reading of ids, headers and JSON bodies; every failure becomes a problem naming it.</summary>
internal static class ApiRequests
{
    public readonly record struct BodyResult<T>(T? Value, IResult? Problem);

    public static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    public static async Task<BodyResult<T>> ReadJsonAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, ApiProblems.Result(
                StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type", $"the request body must be application/json, not {type}"));
        }

        if (!HasBody(request))
        {
            return new(null, ApiProblems.BadRequest("the request body is empty; a JSON object is required"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken);
            return value is null
                ? new(null, ApiProblems.BadRequest("the request body is JSON null; a JSON object is required"))
                : new(value, null);
        }
        catch (JsonException ex)
        {
            return new(null, ApiProblems.Result(
                StatusCodes.Status400BadRequest, "malformed-json", "Malformed JSON", "the request body is not valid here: " + ex.Message));
        }
    }

    public static bool TryParseId(string text, out MailboxId id, out IResult? problem)
    {
        problem = null;
        if (MailboxId.TryParse(text, out id, out var error))
        {
            return true;
        }

        problem = ApiProblems.InvalidId(error);
        return false;
    }

    /// <summary>Reads <c>If-Match: "N"</c>; null version when absent.</summary>
    public static bool TryParseIfMatch(HttpRequest request, out long? version, out IResult? problem)
    {
        version = null;
        problem = null;
        var header = request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return true;
        }

        var text = header.ToString().Trim();
        if (text.Length >= 3 && text[0] == '"' && text[^1] == '"'
            && long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            version = v;
            return true;
        }

        problem = ApiProblems.BadRequest($"If-Match must be one strong entity tag \"<version>\", got {text}");
        return false;
    }

    public static string ETag(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";
}
