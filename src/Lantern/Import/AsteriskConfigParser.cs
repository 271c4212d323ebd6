using System.Text;

namespace Lantern.Import;

/// <summary>
/// Reads Asterisk's config syntax: <c>[section]</c>, <c>[name](!)</c> templates, <c>[name](a,b)</c> inheritance,
/// <c>[name](+)</c> continuations, <c>key=value</c> and <c>key =&gt; value</c>, <c>;</c> comments with <c>\;</c>
/// escapes, <c>;-- --;</c> block comments, and <c>#include</c>/<c>#tryinclude</c> relative to the including file
/// (as text: an included file continues the current section), guarded against cycles and deep nesting.
/// </summary>
public static class AsteriskConfigParser
{
    public const int MaxIncludeDepth = 10;

    public const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Parses <paramref name="path"/>; file names in locations are relative to its directory.</summary>
    public static AsteriskConfig Parse(string path)
    {
        var full = Path.GetFullPath(path);
        var state = new State(Path.GetDirectoryName(full) ?? ".");
        ParseFile(state, full, null, 0, required: true);
        Resolve(state.Config);
        return state.Config;
    }

    private static void ParseFile(State state, string fullPath, AsteriskSetting? includedBy, int depth, bool required)
    {
        var display = state.Display(fullPath);
        if (state.Stack.Contains(fullPath))
        {
            state.Problem(includedBy, $"include cycle: {display} is already being read");
            return;
        }

        if (depth > MaxIncludeDepth)
        {
            state.Problem(includedBy, $"includes nested deeper than {MaxIncludeDepth}");
            return;
        }

        string[] lines;
        try
        {
            var info = new FileInfo(fullPath);
            if (!info.Exists)
            {
                if (required)
                {
                    state.Problem(includedBy, $"file not found: {display}");
                }

                return;
            }

            if (info.Length > MaxFileBytes)
            {
                state.Problem(includedBy, $"{display} is larger than {MaxFileBytes} bytes");
                return;
            }

            lines = File.ReadAllLines(fullPath, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            state.Problem(includedBy, $"cannot read {display}: {ex.Message}");
            return;
        }

        state.Stack.Add(fullPath);
        var inBlockComment = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var text = StripComments(lines[i], ref inBlockComment).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            var lineNumber = i + 1;
            if (text[0] == '#')
            {
                Directive(state, fullPath, display, lineNumber, text, depth);
            }
            else if (text[0] == '[')
            {
                SectionHeader(state, display, lineNumber, text);
            }
            else
            {
                Setting(state, display, lineNumber, text);
            }
        }

        state.Stack.Remove(fullPath);
    }

    private static void Directive(State state, string fullPath, string display, int line, string text, int depth)
    {
        var space = text.IndexOfAny([' ', '\t', '"', '<']);
        var name = (space < 0 ? text : text[..space]).ToLowerInvariant();
        var arg = space < 0 ? string.Empty : text[space..].Trim();
        if (arg.Length >= 2 && ((arg[0] == '"' && arg[^1] == '"') || (arg[0] == '<' && arg[^1] == '>')))
        {
            arg = arg[1..^1].Trim();
        }

        var directive = new AsteriskSetting(name, arg, display, line, false);
        if (name is not ("#include" or "#tryinclude"))
        {
            state.Config.Problems.Add(new ImportReportLine(display, line, ImportAction.Ignored, name, arg, "directive not supported by the importer"));
            return;
        }

        if (arg.Length == 0)
        {
            state.Problem(directive, "include without a file name");
            return;
        }

        var baseDir = Path.GetDirectoryName(fullPath) ?? ".";
        var target = Path.GetFullPath(Path.Combine(baseDir, arg));
        state.Config.Problems.Add(new ImportReportLine(display, line, ImportAction.Used, name, arg, "reads " + state.Display(target)));
        if (arg.Contains('*', StringComparison.Ordinal) || arg.Contains('?', StringComparison.Ordinal))
        {
            var dir = Path.GetDirectoryName(target) ?? baseDir;
            var matches = Directory.Exists(dir) ? Directory.GetFiles(dir, Path.GetFileName(target)) : [];
            Array.Sort(matches, StringComparer.Ordinal);
            foreach (var match in matches)
            {
                ParseFile(state, match, directive, depth + 1, required: false);
            }

            return;
        }

        ParseFile(state, target, directive, depth + 1, required: name == "#include");
    }

    private static void SectionHeader(State state, string display, int line, string text)
    {
        var close = text.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            state.Config.Problems.Add(new ImportReportLine(display, line, ImportAction.Ignored, string.Empty, text, "section header without ']'"));
            state.Current = null;
            return;
        }

        var name = text[1..close].Trim();
        var options = text[(close + 1)..].Trim();
        var section = new AsteriskSection(name, display, line);
        var append = false;
        if (options.Length > 0)
        {
            if (options[0] != '(' || options[^1] != ')')
            {
                state.Config.Problems.Add(new ImportReportLine(display, line, ImportAction.Ignored, string.Empty, text, "text after the section header is not (options)"));
            }
            else
            {
                foreach (var raw in options[1..^1].Split(','))
                {
                    var option = raw.Trim();
                    if (option == "!")
                    {
                        section.IsTemplate = true;
                    }
                    else if (option == "+")
                    {
                        append = true;
                    }
                    else if (option.Length > 0)
                    {
                        section.Templates.Add(option);
                    }
                }
            }
        }

        if (append && state.Config.Find(name) is { } existing)
        {
            state.Current = existing;
            return;
        }

        state.Config.Sections.Add(section);
        state.Current = section;
    }

    private static void Setting(State state, string display, int line, string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            state.Config.Problems.Add(new ImportReportLine(display, line, ImportAction.Ignored, string.Empty, text, "not key=value"));
            return;
        }

        var key = text[..eq].Trim();
        var value = text[(eq + 1)..];
        var arrow = value.StartsWith('>');
        value = (arrow ? value[1..] : value).Trim();
        var setting = new AsteriskSetting(key, value, display, line, arrow);
        if (state.Current is null)
        {
            state.Config.Problems.Add(new ImportReportLine(display, line, ImportAction.Ignored, key, value, "setting outside any section"));
            return;
        }

        state.Current.Own.Add(setting);
    }

    // ';' starts a comment unless escaped as "\;"; ";--" opens a block comment that "--;" closes.
    internal static string StripComments(string line, ref bool inBlockComment)
    {
        var result = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (inBlockComment)
            {
                if (line.AsSpan(i).StartsWith("--;"))
                {
                    inBlockComment = false;
                    i += 2;
                }

                continue;
            }

            var c = line[i];
            if (c == '\\' && i + 1 < line.Length && line[i + 1] == ';')
            {
                result.Append(';');
                i++;
            }
            else if (c == ';')
            {
                if (line.AsSpan(i).StartsWith(";--"))
                {
                    inBlockComment = true;
                    i += 2;
                    continue;
                }

                break;
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private static void Resolve(AsteriskConfig config)
    {
        var done = new HashSet<AsteriskSection>();
        foreach (var section in config.Sections)
        {
            ResolveSection(config, section, done, []);
        }
    }

    private static void ResolveSection(AsteriskConfig config, AsteriskSection section, HashSet<AsteriskSection> done, HashSet<AsteriskSection> visiting)
    {
        if (done.Contains(section))
        {
            return;
        }

        visiting.Add(section);
        foreach (var name in section.Templates)
        {
            var template = config.Find(name);
            if (template is null || template == section)
            {
                config.Problems.Add(new ImportReportLine(section.File, section.Line, ImportAction.Ignored, string.Empty, $"[{section.Name}]({name})", $"template \"{name}\" not found"));
                continue;
            }

            if (visiting.Contains(template))
            {
                config.Problems.Add(new ImportReportLine(section.File, section.Line, ImportAction.Ignored, string.Empty, $"[{section.Name}]({name})", "template inheritance cycle"));
                continue;
            }

            ResolveSection(config, template, done, visiting);
            template.IsInherited = true;
            section.Settings.AddRange(template.Settings);
        }

        section.Settings.AddRange(section.Own);
        visiting.Remove(section);
        done.Add(section);
    }

    private sealed class State(string rootDirectory)
    {
        public AsteriskConfig Config { get; } = new();

        public HashSet<string> Stack { get; } = new(StringComparer.Ordinal);

        public AsteriskSection? Current { get; set; }

        public string Display(string fullPath) => Path.GetRelativePath(rootDirectory, fullPath);

        public void Problem(AsteriskSetting? at, string reason) =>
            Config.Problems.Add(new ImportReportLine(at?.File ?? "-", at?.Line ?? 0, ImportAction.Ignored, at?.Key ?? string.Empty, at?.Value ?? string.Empty, reason));
    }
}
