" Flow: the typed dataflow language (.flow scripts).
" `set filetype` rather than `setfiletype`: a .flow file is always Flow here.
autocmd BufNewFile,BufRead *.flow set filetype=flow
