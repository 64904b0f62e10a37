package io.kubelite.cli;
