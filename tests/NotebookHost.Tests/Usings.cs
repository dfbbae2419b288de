global using System.Text.Json.Nodes;
global using NotebookHost.Notebook;
global using Xunit;
global using Reporting;
