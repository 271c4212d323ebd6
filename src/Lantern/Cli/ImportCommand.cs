using System.CommandLine;
using Lantern.Import;

namespace Lantern.Cli;

/// <summary><c>lantern import asterisk --sip-conf F [--pjsip-conf F] [--out FILE]</c>.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var sip = new Option<FileInfo?>("--sip-conf") { Description = "chan_sip configuration (sip.conf)." };
        var pjsip = new Option<FileInfo?>("--pjsip-conf") { Description = "res_pjsip configuration (pjsip.conf)." };
        var manager = new Option<FileInfo?>("--manager-conf") { Description = "Asterisk's manager.conf: its AMI port is avoided (default: 5038 assumed)." };
        var http = new Option<FileInfo?>("--http-conf") { Description = "Asterisk's http.conf: its HTTP port is avoided (default: 8088 assumed)." };
        var output = new Option<FileInfo?>("--out") { Description = "Write lantern.json here (default: standard output; the report then goes to standard error)." };
        var force = new Option<bool>("--force") { Description = "Overwrite --out if it exists." };
        var asterisk = new Command("asterisk", "Convert Asterisk sip.conf / pjsip.conf into lantern.json and report every setting.")
        {
            sip, pjsip, manager, http, output, force,
        };
        asterisk.SetAction(parse => Run(
            parse.GetValue(sip)?.FullName,
            parse.GetValue(pjsip)?.FullName,
            parse.GetValue(manager)?.FullName,
            parse.GetValue(http)?.FullName,
            parse.GetValue(output)?.FullName,
            parse.GetValue(force),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return new Command("import", "Import configuration from other systems.") { asterisk };
    }

    /// <summary>0 written and valid, 1 the result does not validate (not written), 2 usage.</summary>
    public static int Run(string? sipConf, string? pjsipConf, string? managerConf, string? httpConf, string? outFile, bool force, TextWriter output, TextWriter error)
    {
        if (sipConf is null && pjsipConf is null)
        {
            error.WriteLine("lantern: give --sip-conf and/or --pjsip-conf");
            return 2;
        }

        foreach (var file in new[] { sipConf, pjsipConf, managerConf, httpConf })
        {
            if (file is not null && !File.Exists(file))
            {
                error.WriteLine($"lantern: file not found: {file}");
                return 2;
            }
        }

        if (outFile is not null && File.Exists(outFile) && !force)
        {
            error.WriteLine($"lantern: {outFile} exists; use --force to overwrite");
            return 2;
        }

        var result = AsteriskImporter.Import(sipConf, pjsipConf, managerConf, httpConf);
        var report = outFile is null ? error : output;
        foreach (var line in result.Report)
        {
            report.WriteLine(line.ToString());
        }

        if (result.ValidationErrors.Count > 0)
        {
            foreach (var e in result.ValidationErrors)
            {
                error.WriteLine("lantern: generated configuration is invalid: " + e);
            }

            return 1;
        }

        if (outFile is null)
        {
            output.Write(result.ToJson());
        }
        else
        {
            File.WriteAllText(outFile, result.ToJson());
            report.WriteLine($"wrote {outFile}: {result.Configuration["endpoints"]!.AsArray().Count} endpoint(s), "
                + $"{result.Configuration["upstreams"]!.AsArray().Count} upstream(s), {result.Configuration["peers"]!.AsArray().Count} peer(s)");
        }

        return 0;
    }
}
