using System.Globalization;
using System.Net;
using System.Text;

namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>The REST calls cluster tests make on a node: voice writes and reads with a bounded time.</summary>
internal static class ClusterRest
{
    /// <summary>PUT the voice counts (other classes zero); returns the status and body, or a null status when the call timed out or failed.</summary>
    public static Task<(HttpStatusCode? Status, string Body)> PutVoiceAsync(ClusterNode node, string id, int newCount, int oldCount, TimeSpan? timeout = null) =>
        SendAsync(node, HttpMethod.Put, id, string.Create(CultureInfo.InvariantCulture, $$$"""{"voice":{"new":{{{newCount}}},"old":{{{oldCount}}}}}"""), timeout);

    /// <summary>PATCH a voice "new" delta; returns the status and body, or a null status when the call timed out or failed.</summary>
    public static Task<(HttpStatusCode? Status, string Body)> PatchVoiceAsync(ClusterNode node, string id, int newDelta, TimeSpan? timeout = null) =>
        SendAsync(node, HttpMethod.Patch, id, string.Create(CultureInfo.InvariantCulture, $$$"""{"voice":{"newDelta":{{{newDelta}}}}}"""), timeout);

    private static async Task<(HttpStatusCode? Status, string Body)> SendAsync(ClusterNode node, HttpMethod method, string id, string json, TimeSpan? timeout)
    {
        using var http = node.CreateAdminClient(timeout ?? TimeSpan.FromSeconds(10));
        using var request = new HttpRequestMessage(method, new Uri($"/api/v1/mailboxes/{Uri.EscapeDataString(id)}", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        try
        {
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (TaskCanceledException)
        {
            return (null, "timed out");
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>The voice counts "new/old (urgentNew/urgentOld)" as the node serves them, or null when it has no such mailbox.</summary>
    public static Task<string?> VoiceAsync(ClusterNode node, string id) => Upstreams.InteropHelpers.VoiceAsync(node.Process, id);

    /// <summary>Waits (bounded) until the node serves <paramref name="expected"/>; polls every 50 ms (the REST API has no per-mailbox event).</summary>
    public static Task WaitVoiceAsync(ClusterNode node, string id, string expected, TimeSpan deadline) =>
        Upstreams.InteropHelpers.WaitVoiceAsync(node.Process, id, expected, deadline);
}
