namespace Lantern.Cli;

/// <summary>Aligned plain-text tables for human output.</summary>
internal sealed class CliTable
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    public CliTable(params string[] headers) => _headers = headers;

    public void Add(params string[] row) => _rows.Add(row);

    public void WriteTo(TextWriter output)
    {
        var widths = new int[_headers.Length];
        for (var c = 0; c < widths.Length; c++)
        {
            widths[c] = _headers[c].Length;
            foreach (var row in _rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        WriteRow(output, _headers, widths);
        foreach (var row in _rows)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var line = new System.Text.StringBuilder();
        for (var c = 0; c < cells.Length; c++)
        {
            if (c == cells.Length - 1)
            {
                line.Append(cells[c]);
            }
            else
            {
                line.Append(cells[c].PadRight(widths[c] + 2));
            }
        }

        output.WriteLine(line.ToString().TrimEnd());
    }
}
