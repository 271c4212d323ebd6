using System.Net;

namespace Lantern.Cli;

/// <summary>A server answer as the CLI needs it: status, body text and ETag.</summary>
internal sealed record CliResponse(HttpStatusCode Status, string Body, string? ETag)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}
