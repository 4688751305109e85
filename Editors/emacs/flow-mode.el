;;; flow-mode.el --- Major mode for Flow, the typed dataflow language  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "26.1"))
;; Keywords: languages
;; URL: Editors/emacs in the Flow repository

;;; Commentary:

;; Syntax highlighting, comments and indentation for Flow scripts (.flow).
;; The lexical rules follow Sources/FlowSyntax/Lexer.swift: `//' and nested
;; `/* */' comments, strings with escapes and `\( expr )' interpolation,
;; triple-quoted strings, durations (500ms 10s 5m 1h 1d), time literals
;; (@2024-01-01T00:00:00Z), and numbers with `_', hex digits and exponents.
;;
;; Indentation follows `flow fmt': one level (`flow-indent-offset', 2)
;; per open bracket, one more for continuation lines (|> and other binary
;; operators, then, else), nested expressions after = => and :, then/else
;; under their if. `flow fmt' itself (or the language server's formatting)
;; also normalizes spacing.
;;
;; Install:
;;   (add-to-list 'load-path "/path/to/flow/Editors/emacs")
;;   (require 'flow-mode)
;; Language server (`flow lsp'), with Eglot (built into Emacs 29):
;;   (add-hook 'flow-mode-hook #'eglot-ensure)

;;; Code:

(defgroup flow nil
  "Support for the Flow dataflow language."
  :group 'languages
  :prefix "flow-")

(defcustom flow-indent-offset 2
  "Number of columns per indentation level in Flow code."
  :type 'integer
  :safe #'integerp)

(defface flow-duration-face '((t :inherit font-lock-constant-face))
  "Face for duration literals such as 500ms and 10s.")
(defface flow-time-face '((t :inherit font-lock-constant-face :weight bold))
  "Face for time literals such as @2024-01-01T00:00:00Z.")
(defface flow-number-face '((t :inherit font-lock-constant-face))
  "Face for integer and float literals.")
(defface flow-pipe-face '((t :inherit font-lock-keyword-face :weight bold))
  "Face for the pipe operator |>.")
(defface flow-operator-face '((t :inherit font-lock-builtin-face))
  "Face for operators other than |>.")
(defface flow-escape-face '((t :inherit font-lock-regexp-grouping-backslash))
  "Face for escape sequences in strings.")
(defface flow-interpolation-delimiter-face '((t :inherit font-lock-preprocessor-face))
  "Face for the delimiters of a string interpolation \\( expr ).")

(defconst flow-control-keywords '("if" "then" "else" "match"))
(defconst flow-other-keywords '("module" "import" "pub" "type" "fn" "let" "extern" "with" "as"))
(defconst flow-constants '("true" "false" "null"))

;;;; Syntax table

(defvar flow-mode-syntax-table
  (let ((table (make-syntax-table)))
    ;; `//' comments (style b) end at a newline; `/* */' (style a) nest.
    (modify-syntax-entry ?/ ". 124b" table)
    (modify-syntax-entry ?* ". 23n" table)
    (modify-syntax-entry ?\n "> b" table)
    (modify-syntax-entry ?\r "> b" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?' "." table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?@ "'" table)
    (dolist (c '(?+ ?- ?% ?< ?> ?= ?! ?& ?| ?? ?. ?: ?, ?\;))
      (modify-syntax-entry c "." table))
    (modify-syntax-entry ?\( "()" table)
    (modify-syntax-entry ?\) ")(" table)
    (modify-syntax-entry ?\[ "(]" table)
    (modify-syntax-entry ?\] ")[" table)
    (modify-syntax-entry ?\{ "(}" table)
    (modify-syntax-entry ?\} "){" table)
    table)
  "Syntax table for `flow-mode'.")

(defun flow--syntax-triple-quote ()
  "Mark the `\"\"\"' just matched as the fence of a triple-quoted string.
The first quote of an opening and the last quote of a closing `\"\"\"'
get string-fence syntax, so the text between may hold single quotes."
  (let* ((start (match-beginning 0))
         (ppss (save-excursion (syntax-ppss start))))
    (cond
     ;; Opening quotes, outside strings and comments.
     ((not (or (nth 3 ppss) (nth 4 ppss)))
      (put-text-property start (1+ start) 'syntax-table (string-to-syntax "|")))
     ;; Closing quotes of a triple-quoted string (opened by a fence).
     ((eq (nth 3 ppss) t)
      (put-text-property (1- (match-end 0)) (match-end 0)
                         'syntax-table (string-to-syntax "|"))))))

(defconst flow--syntax-propertize
  (syntax-propertize-rules
   ("\"\"\"" (0 (ignore (flow--syntax-triple-quote)))))
  "Syntax properties for triple-quoted strings.")

;;;; Font lock

(defconst flow--ident "[A-Za-z_][A-Za-z0-9_]*")

;; Code rules: (REGEXP . FACE) or (REGEXP GROUP FACE), FACE quoted.
(defconst flow--code-keywords
  `((,(concat "\\_<fn[ \t]+\\(" flow--ident "\\)") 1 'font-lock-function-name-face)
    (,(concat "\\_<type[ \t]+\\(" flow--ident "\\)") 1 'font-lock-type-face)
    (,(concat "\\_<let[ \t]+\\([a-z_][A-Za-z0-9_]*\\)") 1 'font-lock-variable-name-face)
    (,(concat "\\_<\\(?:module\\|import\\)[ \t]+\\("
              flow--ident "\\(?:\\." flow--ident "\\)*\\)")
     1 'font-lock-constant-face)
    (,(regexp-opt flow-control-keywords 'symbols) . 'font-lock-keyword-face)
    (,(regexp-opt flow-other-keywords 'symbols) . 'font-lock-keyword-face)
    (,(regexp-opt flow-constants 'symbols) . 'font-lock-constant-face)
    ("@[0-9][0-9TZ:.+-]*" . 'flow-time-face)
    ("\\_<[0-9][0-9_]*\\(?:ms\\|[smhd]\\)\\_>" . 'flow-duration-face)
    ("\\_<0[xX][0-9A-Fa-f_]+\\_>" . 'flow-number-face)
    ("\\_<[0-9][0-9_]*\\(?:\\.[0-9][0-9_]*\\)?\\(?:[eE][-+]?[0-9][0-9_]*\\)?\\_>" . 'flow-number-face)
    ("\\_<[A-Z][A-Za-z0-9_]*\\_>" . 'font-lock-type-face)
    ("\\_<\\([a-z_][A-Za-z0-9_]*\\)[ \t]*=>" 1 'font-lock-variable-name-face)
    ("|>" . 'flow-pipe-face)
    ("=>\\|->\\|==\\|!=\\|<=\\|>=\\|&&\\|||\\|\\?\\?\\|\\?\\.\\|\\.\\.\\|[-+*/%<>=!|?]"
     . 'flow-operator-face))
  "Font-lock rules for Flow code, also applied inside interpolations.")

(defun flow--rule-group-and-face (rule)
  "The match group and face symbol of a `flow--code-keywords' RULE."
  (let ((spec (cdr rule)))
    (if (numberp (car-safe spec))
        (cons (car spec) (cadr (cadr spec)))
      (cons 0 (cadr spec)))))

(defun flow--match-interpolation (limit)
  "Find the next `\\( expr )' inside a string before LIMIT.
Sets match group 1 to the expression, 2 to `\\(' and 3 to `)';
parentheses inside the expression are balanced."
  (let (found)
    (while (and (not found) (re-search-forward "\\\\(" limit t))
      (let ((start (match-beginning 0))
            (body (point))
            (depth 1))
        (when (and (nth 3 (save-excursion (syntax-ppss start)))
                   ;; The backslash is not itself escaped.
                   (save-excursion
                     (goto-char start)
                     (= (% (skip-chars-backward "\\\\") 2) 0)))
          (while (and (> depth 0) (< (point) (line-end-position)))
            (let ((c (char-after)))
              (cond ((eq c ?\() (setq depth (1+ depth)))
                    ((eq c ?\)) (setq depth (1- depth)))))
            (forward-char 1))
          (if (= depth 0)
              (progn
                (set-match-data (list start (point) body (1- (point))
                                      start body (1- (point)) (point)))
                (setq found t))
            (goto-char body)))))
    found))

(defun flow--fontify-interpolation (limit)
  "Font-lock matcher: the next interpolation before LIMIT.
Its expression loses the string face and is highlighted as code."
  (when (flow--match-interpolation limit)
    (let ((beg (match-beginning 1))
          (end (match-end 1))
          (data (match-data))
          (case-fold-search nil))
      (put-text-property beg end 'face nil)
      (save-excursion
        (save-match-data
          (dolist (rule flow--code-keywords)
            (let ((group-face (flow--rule-group-and-face rule)))
              (goto-char beg)
              (while (re-search-forward (car rule) end t)
                (let ((b (match-beginning (car group-face)))
                      (e (match-end (car group-face))))
                  (when (and b (not (get-text-property b 'face)))
                    (put-text-property b e 'face (cdr group-face)))))))))
      (set-match-data data)
      t)))

(defconst flow-font-lock-keywords
  (append
   (mapcar (lambda (rule)
             (let ((group-face (flow--rule-group-and-face rule)))
               (list (car rule) (list (car group-face) (list 'quote (cdr group-face))))))
           flow--code-keywords)
   '(("\\\\\\(?:[ntr0\\\"']\\|u{[0-9A-Fa-f]\\{1,8\\}}\\)"
      (0 (when (save-excursion
                  (save-match-data (nth 3 (syntax-ppss (match-beginning 0)))))
            'flow-escape-face)
         prepend))
     (flow--fontify-interpolation
      (2 'flow-interpolation-delimiter-face t)
      (3 'flow-interpolation-delimiter-face t))))
  "Font-lock keywords of `flow-mode'.")

;;;; Indentation
;;
;; The layout of `flow fmt' (Language/tools.md), computed as its formatter
;; does (Sources/FlowFormat/Formatter.swift) from a light tokenizer:
;; brackets, continuation lines, nested expressions after = => : then else,
;; then/else lined up under their if, comment lines indented like the code
;; below them, and the lines inside block comments and triple-quoted
;; strings left alone.

(defconst flow--token-re
  (concat "\\(?:[A-Za-z_][A-Za-z0-9_]*"
          "\\|0[xX][A-Za-z0-9_]+"
          "\\|[0-9][0-9_]*\\(?:\\.[0-9][0-9_]*\\)?\\(?:[eE][-+]?[0-9][0-9_]*\\)?[A-Za-z]*"
          "\\|@[0-9][-0-9TZ:.+]*"
          "\\|//\\|/\\*\\|\"\"\"\\|[|=-]>\\|[=!<>]=\\|&&\\|||\\|\\?\\?\\|\\?\\.\\|\\.\\."
          "\\|[^ \t\r\n]\\)")
  "One Flow token; longer alternatives first.")

(defconst flow--keyword-list
  '("module" "import" "pub" "type" "fn" "let" "extern" "if" "then" "else"
    "match" "with" "true" "false" "null" "as"))

(defconst flow--operators
  '("|>" "=>" "->" "==" "!=" "<=" ">=" "&&" "||" "??" "+" "*" "/" "%"
    "=" "|" "." "?." ":" "!" "-"))

(defun flow--skip-comment (line i depth)
  "Skip a block comment of LINE open at DEPTH from I: (INDEX . DEPTH)."
  (while (and (> depth 0) (string-match "/\\*\\|\\*/" line i))
    (setq depth (if (eq (aref line (match-beginning 0)) ?/) (1+ depth) (1- depth))
          i (match-end 0)))
  (if (> depth 0) (cons (length line) depth) (cons i 0)))

(defun flow--skip-string (line i triple)
  "Return the index after a string of LINE whose text begins at I.
TRIPLE is non-nil for a triple-quoted string, which gives nil when it
goes on past the line; a plain string ends at the end of the line."
  (catch 'done
    (while t
      (if (not (string-match (if triple "\\\\\\|\"\"\"" "[\\\"]") line i))
          (throw 'done (if triple nil (length line)))
        (let ((j (match-beginning 0)))
          (cond ((eq (aref line j) ?\") (throw 'done (+ j (if triple 3 1))))
                ((and (< (1+ j) (length line)) (eq (aref line (1+ j)) ?\())
                 (setq i (flow--skip-interpolation line (+ j 2)))
                 (unless i (throw 'done (if triple nil (length line)))))
                (t (setq i (min (length line) (+ j 2))))))))))

(defun flow--skip-interpolation (line i)
  "The index after the `)' closing an interpolation of LINE from I, or nil."
  (let ((depth 0))
    (catch 'done
      (while t
        (if (not (string-match "[()\"]\\|//\\|/\\*" line i))
            (throw 'done nil)
          (let* ((j (match-beginning 0))
                 (c (aref line j)))
            (cond
             ((eq c ?\() (setq depth (1+ depth) i (1+ j)))
             ((eq c ?\))
              (if (= depth 0) (throw 'done (1+ j)))
              (setq depth (1- depth) i (1+ j)))
             ((eq c ?\")
              (let ((triple (eq t (compare-strings line j (+ j 3) "\"\"\"" nil nil))))
                (setq i (flow--skip-string line (+ j (if triple 3 1)) triple))
                (unless i (throw 'done nil))))
             ((eq (aref line (1+ j)) ?/) (throw 'done nil))
             (t (let ((r (flow--skip-comment line (+ j 2) 1)))
                  (if (> (cdr r) 0) (throw 'done nil) (setq i (car r))))))))))))

(defun flow--scan-code (line i toks)
  "Tokens of LINE from I pushed onto TOKS (newest first).
Returns (TOKS DEPTH TRIPLE): the lexical state at the end of the line."
  (catch 'done
    (while t
      (if (not (string-match flow--token-re line i))
          (throw 'done (list toks 0 nil))
        (let* ((s (match-beginning 0))
               (w (match-string 0 line))
               (c (aref w 0)))
          (setq i (match-end 0))
          (cond
           ((string= w "//") (throw 'done (list toks 0 nil)))
           ((string= w "/*")
            (let ((r (flow--skip-comment line i 1)))
              (if (> (cdr r) 0) (throw 'done (list toks (cdr r) nil)))
              (setq i (car r))))
           ((eq c ?\")
            (push (vector 'n "\"" 0) toks)
            (setq i (flow--skip-string line i (string= w "\"\"\"")))
            (unless i (throw 'done (list toks 0 t))))
           ((or (and (>= c ?a) (<= c ?z)) (and (>= c ?A) (<= c ?Z)) (eq c ?_))
            (push (vector (if (member w flow--keyword-list) 'k 'w) w 0) toks))
           ((or (and (>= c ?0) (<= c ?9)) (and (eq c ?@) (> (length w) 1)))
            (push (vector 'n w 0) toks))
           (t (push (vector 'p w (if (and (> s 0) (not (memq (aref line (1- s)) '(?\s ?\t)))) 1 0))
                    toks))))))))

(defun flow--tok-is (tok kind &rest texts)
  "Whether TOK is of KIND with one of TEXTS (any text when none)."
  (and (eq (aref tok 0) kind) (or (null texts) (member (aref tok 1) texts))))

(defun flow--ends-operand (tok)
  "Whether an operand is complete after TOK (so a `-' after it is binary)."
  (pcase (aref tok 0)
    ('p (or (member (aref tok 1) '(")" "]" "}" "?"))
            (and (string= (aref tok 1) ">") (eq (aref tok 2) 2))))
    ('k (member (aref tok 1) '("true" "false" "null")))
    (_ t)))

(defun flow--operator-p (tok)
  "Whether TOK is a binary operator or the like, for continuation lines."
  (pcase (aref tok 0)
    ('k (member (aref tok 1) '("then" "else" "with" "as" "if" "match")))
    ('p (if (member (aref tok 1) '("<" ">"))
            (not (eq (aref tok 2) 2))
          (member (aref tok 1) flow--operators)))
    (_ nil)))

(defun flow--starts-continuation (tok prev)
  "Whether a line starting with TOK continues the line ending with PREV."
  (cond ((flow--tok-is tok 'p "-") (and prev (flow--ends-operand prev)))
        ((flow--tok-is tok 'p "!" ":") nil)
        ((flow--tok-is tok 'k "if" "match") nil)
        (t (flow--operator-p tok))))

(defun flow--opens-expression (tok)
  "Whether a line ending with TOK is followed by a nested expression."
  (or (flow--tok-is tok 'k "then" "else" "if" "match" "with")
      (flow--tok-is tok 'p "=" "=>" ":")))

(defun flow--blank-indent (level prevcode prevlast)
  "Indent of a blank line (a line being typed) inside LEVEL.
PREVCODE is the logical line before it and PREVLAST its last token."
  (if (and (/= (aref level 0) prevcode) prevlast (flow--operator-p prevlast))
      (+ (aref level 2) 2)
    (aref level 1)))

(defun flow-indents (lines)
  "The indentation (in columns, 2 per level) of each string in LINES.
A vector with nil for the lines inside block comments and triple-quoted
strings, which keep theirs."
  (let* ((case-fold-search nil)
         (n (length lines))
         (result (make-vector n nil))
         (kinds (make-vector n nil))
         (logical nil)           ; newest first: (PHYSICAL-LINE . TOKENS)
         (depth 0) (triple nil) (cur nil) (p 0))
    ;; Logical lines: a line that starts outside a comment or string, with
    ;; the tokens of the lines it runs on to.
    (dolist (line lines)
      (let ((i 0) (scan t))
        (cond
         ((> depth 0)
          (let ((r (flow--skip-comment line 0 depth)))
            (setq i (car r) depth (cdr r)))
          (aset kinds p 'verbatim))
         (triple
          (setq i (flow--skip-string line 0 t) triple (null i))
          (aset kinds p 'verbatim))
         ((string-match-p "\\`[ \t\r]*\\'" line)
          (aset kinds p 'blank)
          (setq scan nil))
         (t
          (setq cur (cons p nil))
          (push cur logical)
          (aset kinds p 'code)))
        (when (and scan (= depth 0) (not triple) i)
          (let ((r (flow--scan-code line i (cdr cur))))
            (setcdr cur (nth 0 r))
            (setq depth (nth 1 r) triple (nth 2 r)))))
      (setq p (1+ p)))
    (setq logical (nreverse logical))
    (dolist (l logical) (setcdr l (nreverse (cdr l))))
    ;; The layout, as Layout.indent in the formatter, in one pass that also
    ;; finds type arguments (a < right after a name, to its matching >) and
    ;; the if of each then and else.
    (let* ((count (length logical))
           (indents (make-vector count 0))
           (lvec (vconcat logical))
           (levels (list (vector -1 0 0)))  ; innermost first: [LINE INNER ANCHOR]
           (pending nil) (prevcode -1) (prevlast nil) (prevtok nil)
           (angles 0) (ifs nil) (phys 0))
      (dotimes (li count)
        (let* ((l (aref lvec li))
               (toks (cdr l)))
          ;; Blank lines before this one: the indent of a plain statement.
          (while (< phys (car l))
            (when (eq (aref kinds phys) 'blank)
              (aset result phys (flow--blank-indent (car levels) prevcode prevlast)))
            (setq phys (1+ phys)))
          (setq phys (1+ (car l)))
          (if (null toks)
              (push li pending)
            (let* ((first (car toks))
                   (level (car levels))
                   (closer (flow--tok-is first 'p ")" "]" "}"))
                   (anchor nil)
                   indent)
              ;; A then or else that starts the line, and its if.
              (when (flow--tok-is first 'k "then" "else")
                (let ((want (if (string= (aref first 1) "then") 'cond 'then)))
                  (catch 'found
                    (dolist (e ifs)
                      (when (eq e 'paren) (throw 'found nil))
                      (when (eq (aref e 3) want)
                        (let ((ifli (aref e 1)) (ifidx (aref e 2)))
                          (when (or (= ifidx 0)
                                    (and (= ifidx 1)
                                         (flow--tok-is (car (cdr (aref lvec ifli))) 'k "else")))
                            (setq anchor (aref indents ifli))))
                        (throw 'found nil))))))
              (cond
               ((and closer (cdr levels))
                (setq indent (- (aref level 1) 2)))
               (anchor
                (setq indent anchor)
                (aset level 2 indent))
               ((or (= (aref level 0) prevcode) (null prevlast))
                (setq indent (aref level 1))
                (aset level 2 (if (or (flow--starts-continuation first prevlast)
                                      (and prevlast (flow--operator-p prevlast)
                                           (not (flow--opens-expression prevlast))))
                                  (- indent 2)
                                indent)))
               ((and (flow--opens-expression prevlast)
                     (not (flow--starts-continuation first prevlast)))
                (setq indent (+ (aref level 2) 2))
                (aset level 2 indent))
               ((or (flow--starts-continuation first prevlast) (flow--operator-p prevlast))
                (setq indent (+ (aref level 2) 2)))
               (t
                (setq indent (aref level 1))
                (aset level 2 indent)))
              (aset indents li indent)
              (dolist (c pending)
                (aset indents c (if closer (aref level 1) indent)))
              (setq pending nil)
              (let ((idx 0))
                (dolist (tok toks)
                  (pcase (aref tok 0)
                    ('p
                     (let ((x (aref tok 1)))
                       (cond
                        ((member x '("(" "[" "{"))
                         (push (vector li (+ indent 2) (+ indent 2)) levels)
                         (push 'paren ifs))
                        ((member x '(")" "]" "}"))
                         (when (cdr levels) (pop levels))
                         (while (and ifs (not (eq (pop ifs) 'paren)))))
                        ((and (string= x "<")
                              (or (> angles 0)
                                  (and (eq (aref tok 2) 1) prevtok (eq (aref prevtok 0) 'w))))
                         (aset tok 2 2)
                         (setq angles (1+ angles)))
                        ((and (string= x ">") (> angles 0))
                         (aset tok 2 2)
                         (setq angles (1- angles))))))
                    ('k
                     (let ((x (aref tok 1)))
                       (cond
                        ((string= x "if") (push (vector 'if li idx 'cond) ifs))
                        ((member x '("then" "else"))
                         (let ((want (if (string= x "then") 'cond 'then))
                               (rest ifs))
                           (while (and rest (not (eq (car rest) 'paren)))
                             (let ((e (car rest)))
                               (if (not (eq (aref e 3) want))
                                   (setq rest (cdr rest))
                                 (if (eq want 'cond)
                                     (aset e 3 'then)
                                   ;; Drop this if and the ones opened after it.
                                   (setq ifs (cdr rest)))
                                 (setq rest nil)))))))))
                    (_ nil))
                  (setq prevtok tok
                        idx (1+ idx))))
              (setq prevcode li
                    prevlast (car (last toks)))))))
      (dolist (c pending)
        (aset indents c (aref (car levels) 1)))
      (while (< phys n)
        (when (eq (aref kinds phys) 'blank)
          (aset result phys (flow--blank-indent (car levels) prevcode prevlast)))
        (setq phys (1+ phys)))
      (dotimes (li count)
        (aset result (car (aref lvec li)) (aref indents li))))
    result))

(defun flow--buffer-indents ()
  "`flow-indents' of the lines of the current buffer."
  (flow-indents (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n")))

(defun flow--indent-to (column)
  "Indent the current line to COLUMN (in columns of 2), nil to leave it."
  (when column
    (indent-line-to (* (/ column 2) flow-indent-offset))))

(defun flow-indent-line ()
  "Indent the current line of Flow code as `flow fmt' lays it out."
  (interactive)
  (let ((column (aref (flow--buffer-indents) (1- (line-number-at-pos))))
        (offset (- (current-column) (current-indentation))))
    (flow--indent-to column)
    (when (> offset 0) (move-to-column (+ (current-indentation) offset)))))

(defun flow-indent-region (start end)
  "Indent the lines from START to END, computing the layout once."
  (let ((indents (flow--buffer-indents)))
    (save-excursion
      (goto-char start)
      (beginning-of-line)
      (let ((end-marker (copy-marker end)))
        (while (< (point) end-marker)
          (unless (and (bolp) (eolp))
            (flow--indent-to (aref indents (1- (line-number-at-pos)))))
          (forward-line 1))
        (set-marker end-marker nil)))))

;;;; Mode

;;;###autoload
(define-derived-mode flow-mode prog-mode "Flow"
  "Major mode for editing Flow dataflow scripts.

\\{flow-mode-map}"
  :syntax-table flow-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|/\\*+\\)\\s-*")
  (setq-local comment-end-skip "[ \t]*\\*+/")
  (setq-local comment-use-syntax t)
  (setq-local parse-sexp-ignore-comments t)
  (setq-local syntax-propertize-function flow--syntax-propertize)
  (setq-local font-lock-defaults '(flow-font-lock-keywords))
  (setq-local font-lock-multiline t)
  (setq-local indent-line-function #'flow-indent-line)
  (setq-local indent-region-function #'flow-indent-region)
  (setq-local indent-tabs-mode nil)
  (setq-local electric-indent-chars (append '(?\) ?\] ?\} ?>) electric-indent-chars)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.flow\\'" . flow-mode))

;; Language server: `flow lsp' over stdio.
(defvar eglot-server-programs)
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(flow-mode . ("flow" "lsp"))))

(with-eval-after-load 'lsp-mode
  (when (boundp 'lsp-language-id-configuration)
    (add-to-list 'lsp-language-id-configuration '(flow-mode . "flow")))
  (when (and (fboundp 'lsp-register-client) (fboundp 'make-lsp-client)
             (fboundp 'lsp-stdio-connection))
    (lsp-register-client
     (make-lsp-client :new-connection (lsp-stdio-connection '("flow" "lsp"))
                      :major-modes '(flow-mode)
                      :server-id 'flow-lsp))))

(provide 'flow-mode)

;;; flow-mode.el ends here
