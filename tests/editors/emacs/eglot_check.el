;;; eglot_check.el --- drive fastapi-perf through eglot in `emacs --batch'  -*- lexical-binding: t -*-
;; Usage: FAP_INIT=snippet.el FAP_OUT=result.txt emacs --batch -Q -l eglot_check.el app.py
;; FAP_INIT is the documented init snippet (docs/editors/emacs.md); it is loaded
;; as a user's init file would be, then the file is visited like `C-x C-f'.
;; Writes lines: SERVER <command>, DIAG <line>:<col> <type> <text>, ACTION <kind> <title>,
;; CHOSEN <title>, APPLIED <line>, SAVED, then RECHECKED (or ERROR ...).
;; Exit codes: 0 ok, 2 no server, 3 no diagnostics, 4 no FAP103, 5 no action, 6 not rechecked.

;; What a normal (non -Q) Emacs does at startup on Debian: activate the
;; packages in site-lisp/elpa, which is where elpa-eglot lives.
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'flymake)
(require 'cl-lib)

(defvar fap-timeout (string-to-number (or (getenv "FAP_TIMEOUT") "30")))
(defvar fap-lines nil)
(defvar fap-buffer nil "The visited file's buffer.")
(defvar fap-before nil "eglot's diagnostics before the fix.")
(defun fap-emit (fmt &rest args) (push (apply #'format fmt args) fap-lines))
(defun fap-finish (code)
  (with-temp-file (getenv "FAP_OUT")
    (insert (mapconcat #'identity (reverse fap-lines) "\n") "\n"))
  ;; On failure, keep eglot's log of every LSP message next to the report.
  (let ((server (and fap-buffer (with-current-buffer fap-buffer (eglot-current-server)))))
    (when (and server (/= code 0))
      (let ((events (with-current-buffer (jsonrpc-events-buffer server) (buffer-string))))
        (with-temp-file (concat (getenv "FAP_OUT") ".events") (insert events)))))
  (kill-emacs code))
(defun fap-wait (pred)
  (let ((deadline (+ (float-time) fap-timeout)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (funcall pred)))
(defun fap-ours ()
  "Flymake diagnostics from fastapi-perf in the visited file's buffer."
  (with-current-buffer fap-buffer
   (cl-remove-if-not
   (lambda (d) (equal (plist-get (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d))) :source)
                      "fastapi-perf"))
   (flymake-diagnostics))))
(defun fap-code (d) (plist-get (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d))) :code))

(condition-case err
    (load (getenv "FAP_INIT") nil t t)
  (error (fap-emit "ERROR loading the snippet: %S" err) (fap-finish 2)))

(let* ((file (car (last command-line-args-left)))
       (buf (progn (setq command-line-args-left nil) (find-file-noselect file))))
  (setq fap-buffer buf)
  (set-buffer buf)
  ;; `eglot-ensure' (from the snippet's mode hook) connects after the next
  ;; command; batch mode runs no command loop, so end one here.
  (run-hooks 'post-command-hook)
  (unless (fap-wait (lambda () (with-current-buffer buf (eglot-current-server))))
    (fap-emit "ERROR no eglot server for %s (major mode %s)" file major-mode)
    (fap-finish 2))
  (let ((server (eglot-current-server)))
    (fap-emit "SERVER %s" (mapconcat #'identity (process-command (jsonrpc--process server)) " "))
    ;; Flymake does not start by itself in batch mode: wait for eglot to hold
    ;; the published diagnostics, then run Flymake's backends once.
    (unless (fap-wait (lambda () (buffer-local-value 'eglot--diagnostics buf)))
      (fap-emit "ERROR no diagnostics within %ss" fap-timeout)
      (fap-finish 3))
    (flymake-start nil t)
    (fap-wait (lambda () (fap-ours)))
    (let (target)
      (dolist (d (fap-ours))
        (save-excursion
          (goto-char (flymake-diagnostic-beg d))
          (fap-emit "DIAG %d:%d %s %s" (line-number-at-pos) (1+ (current-column))
                    (flymake-diagnostic-type d) (flymake-diagnostic-text d)))
        (when (equal (fap-code d) "FAP103") (setq target d)))
      (unless target (fap-emit "ERROR no FAP103 diagnostic") (fap-finish 4))
      (let ((beg (flymake-diagnostic-beg target))
            (end (flymake-diagnostic-end target)))
        ;; What M-x eglot-code-actions asks the server for on that range
        ;; (the context carries Flymake's diagnostics there).
        (dolist (a (eglot-code-actions beg end))
          (fap-emit "ACTION %s %s" (plist-get a :kind) (plist-get a :title)))
        (setq fap-before (buffer-local-value 'eglot--diagnostics buf))
        ;; Apply one as a user would: `eglot-code-actions' for quick fixes,
        ;; accepting the default it proposes (the server's preferred action).
        (condition-case err
            (let ((last-nonmenu-event ?\r))
              (cl-letf (((symbol-function 'completing-read)
                         (lambda (_prompt _collection &optional _pred _req _init _hist def &rest _)
                           (fap-emit "CHOSEN %s" def)
                           def)))
                (eglot-code-actions beg end "quickfix" t)))
          (error (fap-emit "ERROR applying the code action: %S" err) (fap-finish 5)))))
    (save-excursion
      (goto-char (point-min))
      (while (not (eobp))
        (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
          (when (string-match-p "asyncio" line) (fap-emit "APPLIED %s" line)))
        (forward-line 1)))
    ;; Saving sends the pending didChange (and didSave) at once; eglot would
    ;; otherwise wait for an idle timer, which batch mode never runs.
    (let ((inhibit-message t)) (save-buffer))
    (fap-emit "SAVED")
    ;; Wait for a publication (it replaces eglot's list of diagnostics) without
    ;; FAP103. Checking Flymake alone is not enough: the edit may have deleted
    ;; the old diagnostic's overlay before the server said anything.
    (let ((gone (fap-wait
                 (lambda ()
                   (let ((now (buffer-local-value 'eglot--diagnostics buf)))
                     (and (not (eq now fap-before))
                          (null (cl-find "FAP103" now :key #'fap-code :test #'equal))
                          (null (cl-find "FAP103" (fap-ours) :key #'fap-code :test #'equal))))))))
      (unless gone (fap-emit "ERROR FAP103 still there after the fix") (fap-finish 6))
      (fap-emit "RECHECKED")
      (ignore-errors (eglot-shutdown server))
      (fap-finish 0))))
