namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>One Server-Sent Event as read from <c>/api/v1/events</c>: its type, <c>id:</c> (null when none) and <c>data:</c>.</summary>
internal sealed record SseEvent(string Type, string? Id, string Data)
{
    /// <summary>The <c>id:</c> as a number (the change id).</summary>
    public long ChangeId => long.Parse(Id ?? throw new InvalidOperationException($"a {Type} event has no id"), System.Globalization.CultureInfo.InvariantCulture);
}
