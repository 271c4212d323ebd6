using System.Globalization;
using System.Text.Json;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Upstreams;

/// <summary>Config building, a sipp UAS runner and REST reads shared by the upstream and peer interop tests.</summary>
internal static class InteropHelpers
{
    /// <summary><see cref="TestConfigs.Minimal"/> with extra top-level members (e.g. <c>"upstreams": [...]</c>).</summary>
    public static string ConfigWith(string extraMembers)
    {
        var minimal = TestConfigs.Minimal.TrimEnd();
        return minimal[..minimal.LastIndexOf('}')] + "," + extraMembers + "\n}";
    }

    /// <summary>Starts sipp as a UAS on 127.0.0.1:<paramref name="port"/>, bounded in calls and time.</summary>
    public static Task<SippResult> RunServerAsync(string scenario, int port, string transport, int calls, CancellationToken cancellationToken = default)
    {
        var outDir = Directory.CreateTempSubdirectory("sipp-uas-").FullName;
        var args = new List<string>
        {
            "-sf", Sipp.ScenarioPath(scenario),
            "-i", "127.0.0.1",
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-t", transport == "tcp" ? "t1" : "u1",
            "-m", calls.ToString(CultureInfo.InvariantCulture),
            "-timeout", "45s", "-timeout_error",
            "-recv_timeout", "20000",
            "-default_behaviors", "all,-bye",
            "-nostdin",
            "-trace_err", "-error_file", Path.Combine(outDir, "errors.log"),
            "-trace_msg", "-message_file", Path.Combine(outDir, "messages.log"),
        };
        return Sipp.RunAsync(args, outDir, cancellationToken);
    }

    /// <summary>GET a REST path as admin; null on 404.</summary>
    public static async Task<JsonElement?> GetJsonAsync(LanternProcess server, string path)
    {
        using var http = server.CreateAdminClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.HttpPort}{path}"));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    /// <summary>The mailbox's voice counts as "new/old (urgentNew/urgentOld)", or null when it does not exist.</summary>
    public static async Task<string?> VoiceAsync(LanternProcess server, string id)
    {
        var mailbox = await GetJsonAsync(server, "/api/v1/mailboxes/" + Uri.EscapeDataString(id));
        if (mailbox is not { } m)
        {
            return null;
        }

        var v = m.GetProperty("counts").GetProperty("voice");
        return string.Create(CultureInfo.InvariantCulture, $"{v.GetProperty("new").GetInt32()}/{v.GetProperty("old").GetInt32()} ({v.GetProperty("urgentNew").GetInt32()}/{v.GetProperty("urgentOld").GetInt32()})");
    }

    /// <summary>Waits (bounded by <paramref name="deadline"/>) until the mailbox's voice counts read <paramref name="expected"/>;
    /// the REST API has no change event a test can wait on per mailbox, so this polls it every 50 ms.</summary>
    public static async Task WaitVoiceAsync(LanternProcess server, string id, string expected, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string? last = null;
        while (clock.Elapsed < deadline)
        {
            last = await VoiceAsync(server, id);
            if (last == expected)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{id} never read {expected} (last: {last ?? "none"})\n--- lantern ---\n{server.Output}");
    }
}
